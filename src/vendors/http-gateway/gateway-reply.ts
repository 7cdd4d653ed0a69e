import { ProviderError } from '../../kernel/provider-errors.js';
import type { OutboundMessage, SendReceipt } from '../../kernel/message.js';
import { parseJson, readPath, readScalar } from './json-path.js';
import { statusMatches, type HttpGatewayOptions } from './options.js';
import type { VendorReply } from '../../outbound/vendor-request.js';

type ReplyRules = Pick<HttpGatewayOptions, 'successStatus' | 'retryableStatus' | 'messageIdPath' | 'errorPath'>;

/**
 * Judges a gateway's answer by the configured rules: accepted (with its message id), refused for
 * now (a retryable status) or refused for good.
 */
export function interpretReply(reply: VendorReply, rules: ReplyRules, message: OutboundMessage): SendReceipt {
  const json = parseJson(reply.body);
  const accepted = statusMatches(rules.successStatus ?? ['2xx'], reply.status);
  const error = rules.errorPath ? errorValue(readPath(json, rules.errorPath)) : undefined;
  if (accepted && error === undefined) {
    if (!rules.messageIdPath) return { providerMessageId: message.id, status: 'sent' };
    const id = readScalar(json, rules.messageIdPath);
    // Not retryable: the gateway said yes, so sending again could deliver the code twice.
    if (!id) throw new ProviderError('UNEXPECTED_RESPONSE', `the gateway accepted the message (HTTP ${reply.status}) but its answer has no ${rules.messageIdPath}`);
    return { providerMessageId: id, status: 'sent' };
  }
  const retryable = !accepted && statusMatches(rules.retryableStatus ?? [429, '5xx'], reply.status);
  const code = retryable ? (reply.status === 429 ? 'THROTTLED' : 'PROVIDER_UNAVAILABLE') : reply.status === 401 || reply.status === 403 ? 'AUTH_FAILED' : 'REJECTED';
  const shown = error ? safeErrorCode(error, message) : undefined;
  throw new ProviderError(code, `the gateway refused the message (HTTP ${reply.status}${shown ? `, error ${shown}` : ''})`);
}

/**
 * The error at errorPath: undefined for none (`"error": 0`, `false`, `null` or `""` is how many
 * gateways say "no error"), its text for a scalar, '' for an object (an error, but nothing to show).
 */
function errorValue(v: unknown): string | undefined {
  if (v === undefined || v === null || v === false || v === 0 || v === '' || v === '0') return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return typeof v === 'object' && Object.keys(v).length === 0 ? undefined : '';
}

/**
 * A gateway's error value goes into our error message only when it looks like a code and does not
 * echo the destination or the code; free text ("invalid number +55…") is left out.
 */
function safeErrorCode(v: string, message: OutboundMessage): string | undefined {
  if (!/^[A-Za-z0-9_.:-]{1,40}$/.test(v)) return undefined;
  const digits = message.to.replace(/\D/g, '');
  if (v.includes(message.code) || (digits.length >= 6 && v.includes(digits.slice(-6)))) return undefined;
  return v;
}
