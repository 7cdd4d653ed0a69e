// The characters of src/lib/ids.ts (ID_CHARS): a verification id is `ver_` and 22 of them.
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BASE = BigInt(ALPHABET.length);
const ID = /^ver_([0-9A-HJ-NP-Za-km-z]{22})$/;
const BYTES = 17; // 59^22 < 2^136
const LIMIT = BASE ** 22n;
const REQUEST_ID = /^[A-Za-z0-9+/]{32}$/;

/**
 * The `request_id` Zadarma clients get for a verification: like Zadarma's own, 32 characters of
 * base64 of the base64 of 17 bytes (`N2QreWpj…aVE9`, with `+` and `/` that clients must
 * form-encode). The 17 bytes are the verification id's 22 characters read as one number, so
 * the mapping needs no storage and goes both ways.
 */
export function toRequestId(verificationId: string): string {
  const m = ID.exec(verificationId);
  if (!m?.[1]) throw new Error('not a verification id');
  let n = 0n;
  for (const c of m[1]) n = n * BASE + BigInt(ALPHABET.indexOf(c));
  const bytes = Buffer.alloc(BYTES);
  for (let i = BYTES - 1; i >= 0; i--) {
    bytes[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return Buffer.from(bytes.toString('base64')).toString('base64');
}

/** The verification id behind a `request_id`; undefined for anything this server did not issue. */
export function fromRequestId(requestId: string): string | undefined {
  if (!REQUEST_ID.test(requestId)) return undefined;
  const inner = Buffer.from(requestId, 'base64').toString('latin1');
  const bytes = Buffer.from(inner, 'base64');
  if (bytes.length !== BYTES) return undefined;
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  if (n >= LIMIT) return undefined;
  let chars = '';
  for (let i = 0; i < 22; i++) {
    chars = (ALPHABET[Number(n % BASE)] ?? '') + chars;
    n /= BASE;
  }
  const id = `ver_${chars}`;
  // Only the canonical spelling maps back; base64 has others for the same bytes.
  return toRequestId(id) === requestId ? id : undefined;
}
