/**
 * The GSM 03.38 (3GPP TS 23.038) default alphabet and its extension table: the only characters
 * a data_coding 0 message can carry. Index in BASIC = septet value.
 */
const BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1BÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

const ESCAPE = 0x1b;

/** Characters reached through ESC + septet; each costs two septets. */
const EXTENSION: ReadonlyMap<string, number> = new Map([
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
]);

const SEPTET: ReadonlyMap<string, number> = new Map(
  // ESC itself is not a character a message may contain: it would swallow the next one.
  [...BASIC].map((ch, i) => [ch, i] as const).filter(([, i]) => i !== ESCAPE),
);

/** The septets of one character (one, or ESC + one for the extension table); undefined if not GSM-7. */
export function gsm7Septets(ch: string): number[] | undefined {
  const basic = SEPTET.get(ch);
  if (basic !== undefined) return [basic];
  const ext = EXTENSION.get(ch);
  return ext === undefined ? undefined : [ESCAPE, ext];
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (gsm7Septets(ch) === undefined) return false;
  return true;
}

/**
 * Undoes the library's GSM decoding of a data_coding 0 PDU, giving back the octets as Latin-1
 * text. The `smpp` package decodes every data_coding 0 short_message as GSM 03.38, but delivery
 * receipts are plain ASCII by convention (SMPP 3.4 appendix B), where `_` or `@` would be garbled.
 */
export function gsm7DecodedToOctets(decoded: string): string {
  let out = '';
  for (const ch of decoded) {
    const septet = SEPTET.get(ch);
    out += septet === undefined ? ch : String.fromCharCode(septet);
  }
  return out;
}
