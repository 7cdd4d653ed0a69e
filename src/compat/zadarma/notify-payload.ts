import { createHash } from 'node:crypto';
import type { WebhookEvent } from '../../events/webhook-events.js';
import type { NotifyEvent } from './settings.js';
import { hexBase64, rfc1738 } from './signature.js';

/** How a call_button call ended, in the terms of Zadarma's notification. */
export interface CallOutcome {
  verificationId: string;
  /** E.164 number that was called. */
  to: string;
  /** The caller id the client asked for (`from`), if any. */
  from: string | undefined;
  startedAt: number;
  endedAt: number;
  /** The key pressed: '1', or '' when none is known. */
  dtmf: '' | '1';
  disposition: 'answered' | 'cancel' | 'no answer' | 'failed';
  /** Q.931 cause. */
  statusCode: number;
}

/**
 * The outcome of an ended call_button verification, from Verity's event; undefined for events
 * that are not one. Verity's failure reasons say whether the call was answered but not which
 * other key was pressed, so any key but 1 reads as none (`callback_dtmf` empty).
 */
export function callOutcome(e: WebhookEvent): CallOutcome | undefined {
  // The type first: reading an event's data builds it.
  if (e.type !== 'verification.approved' && e.type !== 'verification.expired' && e.type !== 'verification.failed') return undefined;
  const d = e.data;
  const meta = d.metadata as Record<string, unknown> | null | undefined;
  if (meta?.compat !== 'zadarma' || d.channel !== 'ivr' || typeof d.id !== 'string' || typeof d.to !== 'string') return undefined;
  const startedAt = Date.parse(String(d.created_at));
  const endedAt = Date.parse(String(d.updated_at));
  if (!Number.isFinite(startedAt) || !Number.isFinite(endedAt)) return undefined;
  const base = { verificationId: d.id, to: d.to, from: typeof meta.from === 'string' ? meta.from : undefined, startedAt, endedAt };
  if (e.type === 'verification.approved') return { ...base, dtmf: '1', disposition: 'answered', statusCode: 16 };
  if (e.type === 'verification.expired') return { ...base, endedAt: startedAt, dtmf: '', disposition: 'no answer', statusCode: 19 };
  if (e.type !== 'verification.failed') return undefined;
  if (d.reason === 'ivr_other_key' || d.reason === 'ivr_no_key') return { ...base, dtmf: '', disposition: 'answered', statusCode: 16 };
  if (d.reason === 'undeliverable') return { ...base, endedAt: startedAt, dtmf: '', disposition: 'cancel', statusCode: 19 };
  return { ...base, endedAt: startedAt, dtmf: '', disposition: 'failed', statusCode: 41 };
}

/** Zadarma's `YYYY-MM-DD HH:MM:SS` in a time zone. */
export function zadarmaTime(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? '00';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}:${p('second')}`;
}

export interface Notification {
  fields: Array<[string, string]>;
  body: string;
  signature: string;
}

/**
 * The notification's form fields, in the order of Zadarma's samples, and its `Signature` header:
 * base64(hex(HMAC-SHA1(secret, caller_id . called_did . call_start))) for NOTIFY_END,
 * `internal . destination . call_start` for NOTIFY_OUT_END. The called number is the only
 * personal data, where Zadarma puts it: `caller_id` (NOTIFY_END) or `destination`.
 */
export function notification(event: NotifyEvent, o: CallOutcome, secret: string, opts: { timeZone: string; internal: string }): Notification {
  const callStart = zadarmaTime(o.startedAt, opts.timeZone);
  const called = o.to.replace(/^\+/, '');
  const pbxCallId = `out_${createHash('sha1').update(o.verificationId).digest('hex')}`;
  const duration = o.disposition === 'answered' ? String(Math.max(0, Math.round((o.endedAt - o.startedAt) / 1000))) : '0';
  const fields: Array<[string, string]> =
    event === 'NOTIFY_END'
      ? [
          ['event', event],
          ['call_start', callStart],
          ['pbx_call_id', pbxCallId],
          ['caller_id', called],
          ['called_did', '0'],
          ['internal', opts.internal],
          ['last_internal', opts.internal],
          ['duration', duration],
          ['status_code', String(o.statusCode)],
          ['is_recorded', '0'],
          ['calltype', 'callback_leg1'],
          ['callback_dtmf', o.dtmf],
          ['disposition', o.disposition],
        ]
      : [
          ['event', event],
          ['call_start', callStart],
          ['pbx_call_id', pbxCallId],
          ['caller_id', o.from?.replace(/^\+/, '') ?? '0'],
          ['destination', called],
          ['internal', opts.internal],
          ['duration', duration],
          ['disposition', o.disposition],
          ['status_code', String(o.statusCode)],
          ['is_recorded', '0'],
          ['call_id_with_rec', ''],
          ['callback_dtmf', o.dtmf],
        ];
  const signed = event === 'NOTIFY_END' ? `${called}0${callStart}` : `${opts.internal}${called}${callStart}`;
  return { fields, body: fields.map(([k, v]) => `${rfc1738(k)}=${rfc1738(v)}`).join('&'), signature: hexBase64(secret, signed) };
}
