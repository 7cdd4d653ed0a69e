import type { NodemailerError } from 'nodemailer';
import { ProviderError } from '../../kernel/provider-errors.js';
import type { OutboundMessage } from '../../kernel/message.js';
import { maskDestination } from '../../lib/mask.js';
import { isBlockedAddress } from '../../outbound/outbound-guard.js';

// Nodemailer's codes for "the server was never reached or went away", as opposed to a reply.
const CONNECTION_CODES = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'EPROXY']);
// Node's TLS and OpenSSL verification codes (CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT, …),
// which nodemailer reports as a socket error with the TLS code kept in originalCode.
const TLS_CODE = /CERT|^ERR_TLS_|^ERR_SSL_|^INVALID_CA$|^HOSTNAME_MISMATCH$|^INVALID_PURPOSE$|^PATH_LENGTH_EXCEEDED$/;

function isNodemailerError(err: unknown): err is NodemailerError {
  return err instanceof Error;
}

/** `550 5.1.1`: the reply code and enhanced status, never the free text that may quote the message. */
function replyCodes(err: NodemailerError): string {
  const enhanced = /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})\b/.exec(err.response ?? '')?.[1];
  return [err.responseCode, enhanced].filter((x) => x !== undefined).join(' ');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The cause kept for operators: nodemailer's error with the server's wording, minus the
 * recipient address and the code, which some servers quote back and which loggers print
 * along with the cause.
 */
function redactedCause(err: NodemailerError, message: OutboundMessage): Error {
  let text = err.message;
  if (message.to) text = text.replace(new RegExp(escapeRegExp(message.to), 'gi'), maskDestination(message.to));
  if (message.code) text = text.replaceAll(message.code, '***');
  const cause = new Error(text);
  Object.assign(cause, {
    code: err.code,
    originalCode: err.originalCode,
    timeoutType: err.timeoutType,
    command: err.command,
    responseCode: err.responseCode,
  });
  return cause;
}

/**
 * Maps a nodemailer failure to a ProviderError, following RFC 5321: a 4xx reply is "try again
 * later" and a 5xx reply is final. The message names the step and the reply code only.
 */
export function toProviderError(err: unknown, message: OutboundMessage, server: string): ProviderError {
  if (!isNodemailerError(err)) return new ProviderError('SMTP_ERROR', 'SMTP send failed unexpectedly', err);
  // The outbound guard refused the relay's address: it will refuse it every time.
  if (isBlockedAddress(err)) return new ProviderError('ADDRESS_NOT_ALLOWED', `SMTP server ${server} is at an address this server may not reach (loopback, private or otherwise non-public)`, err);
  const cause = redactedCause(err, message);
  const codes = replyCodes(err);
  const reply = codes ? ` (${codes})` : '';
  const code = err.responseCode;
  // 503 (bad command sequence) is a broken session, not a verdict on the message: nodemailer marks it not permanent.
  const permanent = err.permanent ?? (code !== undefined && code >= 500);

  if (err.code === 'EAUTH' || err.code === 'ENOAUTH' || code === 530 || code === 535) {
    if (code !== undefined && code < 500) return new ProviderError('SMTP_TEMPORARY', `SMTP server could not check the login now${reply}`, cause);
    return new ProviderError('AUTH_FAILED', `SMTP server ${server} refused the login${reply}`, cause);
  }
  if (err.code === 'ETLS' || err.code === 'EREQUIRETLS' || TLS_CODE.test(err.originalCode ?? '')) {
    // A certificate or STARTTLS set-up problem: retrying within a code's lifetime fails the same way.
    const why = err.originalCode && /^[A-Z0-9_]+$/.test(err.originalCode) ? ` (${err.originalCode})` : reply;
    return new ProviderError('TLS_FAILED', `TLS with SMTP server ${server} failed${why}`, cause);
  }
  if (code !== undefined && code >= 400) {
    const step = err.command ?? 'SMTP';
    if (!permanent) return new ProviderError('SMTP_TEMPORARY', `SMTP server deferred the message at ${step}${reply}`, cause);
    if (step === 'RCPT TO') {
      return new ProviderError('INVALID_DESTINATION', `SMTP server refused the recipient ${maskDestination(message.to)}${reply}`, cause);
    }
    return new ProviderError('SMTP_REJECTED', `SMTP server rejected the message at ${step}${reply}`, cause);
  }
  if (err.code !== undefined && CONNECTION_CODES.has(err.code)) {
    const why = err.timeoutType ?? err.originalCode ?? err.code;
    return new ProviderError('CONNECTION_FAILED', `could not talk to SMTP server ${server} (${why})`, cause);
  }
  if (err.code === 'EENVELOPE') {
    // Refused before anything was sent, e.g. an address the server cannot carry (non-ASCII without SMTPUTF8).
    return new ProviderError('INVALID_DESTINATION', `the recipient ${maskDestination(message.to)} cannot be sent over SMTP`, cause);
  }
  if (err.code === 'EMESSAGE') return new ProviderError('SMTP_REJECTED', 'SMTP server cannot take the message (too large?)', cause);
  return new ProviderError('SMTP_ERROR', `SMTP send failed (${err.code ?? 'unknown'})`, cause);
}
