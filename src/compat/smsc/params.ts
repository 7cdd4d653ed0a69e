import type { FastifyRequest } from 'fastify';
import { charsetOf, type Charset } from './wire-format.js';

export interface SmscParams {
  get(name: string): string | undefined;
  /** The request's `charset`, or the default when it names none. */
  charset: Charset;
}

// More pairs than any SMSC client sends; the rest of a hostile query is not read.
const MAX_PAIRS = 64;

/** The bytes a `application/x-www-form-urlencoded` token stands for (`+` is a space, `%XX` a byte). */
function percentBytes(token: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c === 0x25 && /^[0-9A-Fa-f]{2}$/.test(token.slice(i + 1, i + 3))) {
      out.push(parseInt(token.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === 0x2b) out.push(0x20);
    else if (c < 0x100) out.push(c);
    else out.push(...Buffer.from(token[i] ?? '', 'utf8'));
  }
  return Buffer.from(out);
}

function rawPairs(text: string): Array<[Buffer, Buffer]> {
  const pairs: Array<[Buffer, Buffer]> = [];
  for (const part of text.split('&')) {
    if (!part) continue;
    if (pairs.length >= MAX_PAIRS) break;
    const eq = part.indexOf('=');
    pairs.push(eq < 0 ? [percentBytes(part), Buffer.alloc(0)] : [percentBytes(part.slice(0, eq)), percentBytes(part.slice(eq + 1))]);
  }
  return pairs;
}

/** A JSON object body's flat string and number members, for clients that post JSON after all. */
function jsonMembers(text: string): Array<[string, string]> {
  try {
    const doc: unknown = JSON.parse(text);
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return [];
    return Object.entries(doc as Record<string, unknown>)
      .filter((e): e is [string, string | number] => typeof e[1] === 'string' || typeof e[1] === 'number')
      .slice(0, MAX_PAIRS)
      .map(([k, v]) => [k, String(v)]);
  } catch {
    return [];
  }
}

/**
 * What SMSC's PHP reads from `$_REQUEST`: the query string, then a form body over it (the last
 * value of a name wins), decoded in the charset the request names (JSON is UTF-8 whatever it
 * says). Never throws: whatever arrives, the caller gets something to answer in the requested
 * format.
 */
export function readParams(req: FastifyRequest, defaultCharset: Charset): SmscParams {
  const q = req.url.indexOf('?');
  const pairs = q < 0 ? [] : rawPairs(req.url.slice(q + 1));
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const json = /^\s*\{/.test(body.subarray(0, 64).toString('latin1')) ? jsonMembers(body.toString('utf8')) : [];
  if (body.length > 0 && json.length === 0) pairs.push(...rawPairs(body.toString('latin1').trim()));
  let charset = defaultCharset;
  for (const [k, v] of pairs) if (k.toString('latin1') === 'charset') charset = charsetOf(v.toString('latin1')) ?? defaultCharset;
  for (const [k, v] of json) if (k === 'charset') charset = charsetOf(v) ?? defaultCharset;
  const decoder = new TextDecoder(charset);
  const values = new Map<string, string>();
  for (const [k, v] of pairs) values.set(decoder.decode(k), decoder.decode(v));
  for (const [k, v] of json) values.set(k, v);
  return { get: (name) => values.get(name), charset };
}
