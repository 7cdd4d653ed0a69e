import { createHash, timingSafeEqual } from 'node:crypto';
import { callbackHeader, type CallbackRequest, type DeliveryReceipt } from '../../kernel/message.js';
import { ProviderError } from '../../kernel/provider-errors.js';
import { isRecord, parseJson, readScalar } from './json-path.js';
import type { ReceiptOptions } from './options.js';

/**
 * Reads a gateway's delivery report: a JSON object or array of them, a form body, or the query
 * string of a GET. Statuses outside `delivered` / `undeliverable` (accepted, buffered…) say
 * nothing final and are skipped.
 */
export function parseGatewayReceipts(req: CallbackRequest, rules: ReceiptOptions, token: string | undefined): DeliveryReceipt[] {
  if (token !== undefined) {
    const given = req.query.token ?? callbackHeader(req, 'x-verity-token');
    if (given === undefined || !sameSecret(given, token)) {
      throw new ProviderError('BAD_SIGNATURE', 'the delivery report does not carry the configured token');
    }
  }
  const delivered = new Set(rules.delivered);
  const undeliverable = new Set(rules.undeliverable);
  const out: DeliveryReceipt[] = [];
  for (const record of records(req)) {
    const id = readScalar(record, rules.idPath);
    const status = readScalar(record, rules.statusPath);
    if (!id || status === undefined) continue;
    const outcome = delivered.has(status) ? 'delivered' : undeliverable.has(status) ? 'undeliverable' : undefined;
    if (!outcome) continue;
    const errorCode = rules.errorCodePath ? readScalar(record, rules.errorCodePath) : undefined;
    out.push({ providerMessageId: id, status: outcome, ...(errorCode !== undefined ? { errorCode } : {}) });
  }
  return out;
}

function records(req: CallbackRequest): unknown[] {
  const raw = req.rawBody.trim();
  if (req.method.toUpperCase() === 'GET' || raw === '') return [req.query];
  const type = callbackHeader(req, 'content-type') ?? '';
  if (type.includes('json') || raw.startsWith('{') || raw.startsWith('[')) {
    const doc = parseJson(raw);
    if (Array.isArray(doc)) return doc;
    if (isRecord(doc)) return [doc];
    throw new ProviderError('INVALID_CALLBACK', 'the delivery report is not valid JSON');
  }
  return [Object.fromEntries(new URLSearchParams(raw))];
}

/** Constant-time comparison; hashing first makes the lengths equal, so the length leaks nothing either. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
