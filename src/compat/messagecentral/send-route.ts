import type { FastifyReply, FastifyRequest } from 'fastify';
import { getCountries, getCountryCallingCode } from 'libphonenumber-js/max';
import { AppError } from '../../errors/index.js';
import { normalizeRecipient } from '../../verifications/recipient.js';
import type { Channel, Recipient } from '../../kernel/channel.js';
import { answer, authenticate, refuse, type McContext } from './context.js';
import { McError, type ResponseCode } from './envelope.js';
import { toMcError } from './errors.js';
import { mobileOf } from './mobile.js';
import { param, readParams, type Params } from './params.js';

const CALLING_CODES: ReadonlySet<string> = new Set(getCountries().map((c) => getCountryCallingCode(c)));

interface SendFields {
  verificationId: string | null;
  mobileNumber: string | null;
  timeout: string | null;
  transactionId: string | null;
  authUrl?: string | null | undefined;
}

/** `data` of a send answer, keys in the order of the vendor's sample (`smsCLI` is the v2 spelling of `smCLI`). */
function sendData(code: ResponseCode, errorMessage: string | null, f: SendFields): Record<string, unknown> {
  const data: Record<string, unknown> = {
    verificationId: f.verificationId,
    mobileNumber: f.mobileNumber,
    responseCode: String(code),
    errorMessage,
    timeout: f.timeout,
    smCLI: null,
    smsCLI: null,
    transactionId: f.transactionId,
  };
  // SAUTH: where the device checks in over its mobile data (the vendor's field name is not public).
  if (f.authUrl) data.authUrl = f.authUrl;
  return data;
}

const PHONE_PROBLEMS: Record<string, string> = {
  INVALID_PHONE_NUMBER: 'countryCode and mobileNumber are not a valid phone number',
  NOT_A_MOBILE_NUMBER: 'this flowType needs a mobile number',
  INVALID_EMAIL: 'email is not a valid address',
};

/** The destination the request names: `email` for the email flow, else countryCode + mobileNumber. */
function destination(p: Params, channel: Channel, isMagic: (to: string) => boolean): Recipient {
  let raw: string;
  if (channel === 'email') {
    raw = param(p, 'email') ?? '';
    if (!raw) throw new McError(400, 'email is required for this flowType');
  } else {
    const cc = param(p, 'countryCode')?.replace(/^(\+|00)/, '');
    if (!cc) throw new McError(400, 'countryCode is required');
    if (!/^\d{1,4}$/.test(cc) || !CALLING_CODES.has(cc)) throw new McError(511);
    const mobile = param(p, 'mobileNumber')?.replace(/[\s().-]/g, '');
    if (!mobile) throw new McError(400, 'mobileNumber is required');
    if (!/^\d{4,15}$/.test(mobile)) throw new McError(400, 'mobileNumber must be the national number in digits');
    raw = `+${cc}${mobile}`;
  }
  try {
    return normalizeRecipient(channel, raw, isMagic);
  } catch (err) {
    if (err instanceof AppError) throw new McError(400, PHONE_PROBLEMS[err.code] ?? err.message);
    throw err;
  }
}

function codeLength(p: Params, fallback: number): number {
  const raw = param(p, 'otpLength');
  if (raw === undefined) return fallback;
  const n = /^\d{1,2}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 4 && n <= 8)) throw new McError(400, 'otpLength must be between 4 and 8');
  return n;
}

/**
 * `POST /verification/v3/send`: starts a verification on the flowType's channel. While one to the
 * same destination is pending and younger than the resend window, answers 506 with that one's
 * verificationId, which the vendor's clients then validate against.
 */
export function sendRoute(c: McContext) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const cred = await authenticate(c, req, reply);
    if (!cred) return reply;
    const p = readParams(req);
    let mobileNumber: string | null = param(p, 'mobileNumber')?.slice(0, 32) ?? null;
    const fields = (f: Partial<SendFields> = {}): SendFields => ({ verificationId: null, mobileNumber, timeout: null, transactionId: null, ...f });
    try {
      const customerId = param(p, 'customerId');
      if (customerId !== undefined && customerId !== cred.login) throw new McError(501);
      const flowType = param(p, 'flowType')?.toUpperCase();
      if (!flowType) throw new McError(400, 'flowType is required');
      const channel = Object.hasOwn(c.s.flows, flowType) ? c.s.flows[flowType] : undefined;
      if (!channel) throw new McError(400, `flowType ${flowType.replace(/[^A-Z_]/g, '').slice(0, 20)} is not supported`);
      const length = codeLength(p, c.s.defaultOtpLength);
      const to = destination(p, channel, c.deps.verifications.isMagic);
      mobileNumber = mobileOf(to.to) ?? mobileNumber;

      const now = c.deps.clock.now();
      const windowMs = c.s.resendWindowS * 1000;
      const prior = windowMs > 0 ? await c.numbers.latest(cred.accountId, to.to, now - windowMs) : undefined;
      const pending = prior && (await c.deps.verifications.get(cred.accountId, prior.verificationId).catch(() => undefined));
      if (prior && pending?.status === 'pending') {
        const left = String(Math.max(1, Math.ceil((prior.createdAt + windowMs - now) / 1000)));
        return answer(c, reply, 506, sendData(506, 'REQUEST_ALREADY_EXISTS', fields({ verificationId: prior.number, timeout: left, transactionId: pending.id })));
      }

      const service = typeof cred.settings.service === 'string' ? cred.settings.service : undefined;
      const view = await c.deps.verifications.start({ accountId: cred.accountId, ip: req.ip }, { to: to.to, channel, codeLength: length, service, metadata: { compat: 'messagecentral', flowType } });
      const number = await c.numbers.add(cred.accountId, { verificationId: view.id, to: view.to, createdAt: now });
      return answer(c, reply, 200, sendData(200, null, fields({ verificationId: number, timeout: String(c.s.resendWindowS), transactionId: view.id, authUrl: view.redirect_url })));
    } catch (err) {
      return refuse(c, reply, toMcError(err), (code, message) => sendData(code, message, fields()));
    }
  };
}
