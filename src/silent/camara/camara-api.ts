import { randomUUID } from 'node:crypto';
import { vendorRequest, type VendorReply } from '../../outbound/vendor-request.js';
import type { ResolvedCamaraOptions } from './options.js';
import type { OutboundGuard } from '../../outbound/outbound-guard.js';
import { parseJsonObject } from '../../lib/json.js';

export const VENDOR = 'the CAMARA operator';

/** A step of the exchange that failed; `detail` names the step and status, never a code, token or number. */
export type Step<T> = { ok: true; value: T } | { ok: false; detail: string };

/** RFC 6749 §2.3.1: client_secret_basic form-encodes id and secret before joining them. */
function basicAuth(id: string, secret: string): string {
  const enc = (s: string) => new URLSearchParams({ s }).toString().slice(2);
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}

/** The authorization code, exchanged for the single-use access token that `verify` spends. */
export async function exchangeCode(o: ResolvedCamaraOptions, code: string, via: OutboundGuard): Promise<Step<string>> {
  const reply = await vendorRequest(
    VENDOR,
    {
      method: 'POST',
      url: o.tokenUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: basicAuth(o.clientId, o.clientSecret) },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: o.redirectUri }).toString(),
      timeoutMs: o.timeoutMs,
    },
    via,
  );
  const body = parseJsonObject(reply.body);
  if (reply.status !== 200) return { ok: false, detail: `token endpoint answered HTTP ${reply.status}${oauthError(body)}` };
  const token = body?.access_token;
  if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token)) return { ok: false, detail: 'token endpoint sent no access_token' };
  return { ok: true, value: token };
}

/** POST /verify with the plain E.164 number: true when it is the number of the device that authenticated. */
export async function verifyNumber(o: ResolvedCamaraOptions, token: string, msisdn: string, via: OutboundGuard): Promise<Step<boolean>> {
  const reply: VendorReply = await vendorRequest(
    VENDOR,
    {
      method: 'POST',
      url: o.verifyUrl,
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}`, 'x-correlator': randomUUID() },
      body: JSON.stringify({ phoneNumber: msisdn }),
      timeoutMs: o.timeoutMs,
    },
    via,
  );
  const body = parseJsonObject(reply.body);
  const verified = body?.devicePhoneNumberVerified;
  if (reply.status === 200 && typeof verified === 'boolean') return { ok: true, value: verified };
  return { ok: false, detail: `verify answered HTTP ${reply.status}${camaraCode(body)}` };
}

// Codes are fixed vocabularies (invalid_grant, PERMISSION_DENIED); anything else is left out of logs.
const SAFE_CODE = /^[A-Za-z0-9_.]{1,96}$/;

function oauthError(body: Record<string, unknown> | undefined): string {
  const e = body?.error;
  return typeof e === 'string' && SAFE_CODE.test(e) ? ` ${e}` : '';
}

function camaraCode(body: Record<string, unknown> | undefined): string {
  const c = body?.code;
  return typeof c === 'string' && SAFE_CODE.test(c) ? ` ${c}` : '';
}
