import { gsm7Septets, isGsm7 } from '../../lib/gsm7.js';

/** data_coding 0: SMSC default alphabet (GSM 03.38, one septet per octet); 8: UCS-2. */
export type DataCoding = 0 | 8;

export interface EncodedMessage {
  dataCoding: DataCoding;
  /** esm_class: 0x40 (UDH indicator) when the message was split, else 0. */
  esmClass: number;
  /** One short_message per submit_sm, in order, each starting with its UDH when split. */
  shortMessages: Buffer[];
}

/** Octets one short_message may carry: 160 septets or 70 UCS-2 characters (140 octets). */
const SINGLE = { 0: 160, 8: 140 } as const;
/** The same, less the 6-octet concatenation UDH: 153 septets or 67 UCS-2 characters. */
const PART = { 0: 153, 8: 134 } as const;
/** The concatenation UDH numbers parts in one octet. */
export const MAX_PARTS = 255;

/**
 * Encodes a text for submit_sm, splitting it into concatenated parts when it does not fit one.
 * A unit is what must stay in one part: a GSM character with its ESC, a UTF-16 surrogate pair.
 */
export function encodeMessage(text: string, reference: number): EncodedMessage {
  const dataCoding: DataCoding = isGsm7(text) ? 0 : 8;
  const units = [...text].map((ch) => (dataCoding === 0 ? Buffer.from(gsm7Septets(ch) ?? []) : utf16be(ch)));
  const total = units.reduce((n, u) => n + u.length, 0);
  if (total <= SINGLE[dataCoding]) return { dataCoding, esmClass: 0, shortMessages: [Buffer.concat(units)] };

  const parts = pack(units, PART[dataCoding]);
  const shortMessages = parts.map((part, i) =>
    // IEI 0x00: concatenated short message, 8-bit reference; all parts share the reference.
    Buffer.concat([Buffer.from([0x05, 0x00, 0x03, reference & 0xff, parts.length & 0xff, i + 1]), part]),
  );
  return { dataCoding, esmClass: 0x40, shortMessages };
}

function pack(units: Buffer[], limit: number): Buffer[] {
  const parts: Buffer[] = [];
  let current: Buffer[] = [];
  let size = 0;
  for (const unit of units) {
    if (size + unit.length > limit) {
      parts.push(Buffer.concat(current));
      current = [];
      size = 0;
    }
    current.push(unit);
    size += unit.length;
  }
  parts.push(Buffer.concat(current));
  return parts;
}

function utf16be(ch: string): Buffer {
  return Buffer.from(ch, 'utf16le').swap16();
}
