import type { Pdu } from 'smpp';
import type { DeliveryOutcome, DeliveryReceipt } from '../../kernel/message.js';
import { gsm7DecodedToOctets } from '../../lib/gsm7.js';

/** receipt `stat:` values (SMPP 3.4 appendix B); null: not final yet, nothing to report. */
const STAT: Readonly<Record<string, DeliveryOutcome | null>> = {
  DELIVRD: 'delivered',
  UNDELIV: 'undeliverable',
  REJECTD: 'undeliverable',
  EXPIRED: 'undeliverable',
  DELETED: 'undeliverable',
  UNKNOWN: 'undeliverable',
  ACCEPTD: null,
  ENROUTE: null,
};

/** message_state TLV values (SMPP 3.4 §5.2.28), same meaning as STAT. */
const MESSAGE_STATE: Readonly<Record<number, DeliveryOutcome | null>> = {
  0: null, // SCHEDULED
  1: null, // ENROUTE
  2: 'delivered',
  3: 'undeliverable', // EXPIRED
  4: 'undeliverable', // DELETED
  5: 'undeliverable', // UNDELIVERABLE
  6: null, // ACCEPTED
  7: 'undeliverable', // UNKNOWN
  8: 'undeliverable', // REJECTED
};

/** esm_class bits 2-5 hold the message type; 0001 is an SMSC delivery receipt. */
export function isDeliveryReceipt(pdu: Pdu): boolean {
  return ((Number(pdu.esm_class ?? 0) >> 2) & 0x0f) === 1;
}

/**
 * Reads a delivery receipt deliver_sm. The TLVs, when the SMSC sends them, win over the text:
 * they are typed, while the text format is only a convention. Returns null for a receipt that
 * reports no final state (ACCEPTD, ENROUTE) or names no message.
 */
export function parseReceipt(pdu: Pdu): DeliveryReceipt | null {
  const text = receiptText(pdu);
  const field = (name: string): string | undefined => new RegExp(`(?:^|\\s)${name}:(\\S+)`, 'i').exec(text)?.[1];

  const tlvId = typeof pdu.receipted_message_id === 'string' ? pdu.receipted_message_id : '';
  const providerMessageId = tlvId || field('id');
  const tlvState = typeof pdu.message_state === 'number' ? MESSAGE_STATE[pdu.message_state] : undefined;
  const status = tlvState ?? STAT[field('stat')?.toUpperCase() ?? ''];
  if (!providerMessageId || !status) return null;

  const err = field('err');
  return { providerMessageId, status, errorCode: err && !/^0+$/.test(err) ? err : undefined };
}

/** The receipt text as octets, from short_message or, when that is empty, message_payload. */
function receiptText(pdu: Pdu): string {
  const gsmDecoded = (Number(pdu.data_coding ?? 0) & 0x0f) <= 1;
  for (const field of [pdu.short_message, pdu.message_payload]) {
    const body = isDecoded(field) ? field.message : field;
    if (Buffer.isBuffer(body) && body.length > 0) return body.toString('latin1');
    if (typeof body === 'string' && body !== '') return gsmDecoded ? gsm7DecodedToOctets(body) : body;
  }
  return '';
}

function isDecoded(value: unknown): value is { message: unknown } {
  return typeof value === 'object' && value !== null && 'message' in value;
}
