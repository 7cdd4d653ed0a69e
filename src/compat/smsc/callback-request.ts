import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { SmscSettings } from './settings.js';
import { charsetOf, type Charset } from './wire-format.js';

/** What happened: the subscriber `phone` called `to` (both digits only), at `at` (epoch ms). */
export interface CallbackFacts {
  id: string;
  phone: string;
  to: string;
  at: number;
}

export interface CallbackRequest {
  url: string;
  contentType: string;
  body: string;
}

const GUARDS = ['md5', 'sha1', 'crc32'] as const;
type Guard = (typeof GUARDS)[number];

function guardHash(guard: Guard, text: string, crc32Format: SmscSettings['crc32Format']): string {
  if (guard !== 'crc32') return createHash(guard).update(text, 'utf8').digest('hex');
  const n = crc32(Buffer.from(text, 'utf8'));
  return crc32Format === 'hex' ? n.toString(16).padStart(8, '0') : String(n);
}

/** `dd.mm.yyyy hh:mm:ss`, SMSC's way of writing a time, in the given zone. */
function smscTime(at: number, offsetMin: number): string {
  const d = new Date(at + offsetMin * 60_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}.${p(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The service message SMSC posts to the client's handler after the subscriber's call, shaped
 * as an incoming message (`phone`, `mes`, `to`) so that handlers written for SMSC's incoming
 * messages read it. The handler URL carries SMSC's own options: `charset`, `fmt=2|3` (XML or
 * JSON instead of form fields) and the spoofing guard `md5|sha1|crc32=<secret>`, which adds
 * that field: hash(`phone:mes:to:secret`). The secret itself is taken off the URL called.
 * Undefined when the URL is not http(s).
 */
export function callbackRequest(handlerUrl: string, f: CallbackFacts, s: Pick<SmscSettings, 'callbackMessage' | 'callbackUtcOffsetMin' | 'crc32Format'>): CallbackRequest | undefined {
  let url: URL;
  try {
    url = new URL(handlerUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const guard = [...url.searchParams.keys()].find((k): k is Guard => (GUARDS as readonly string[]).includes(k));
  const secret = guard && url.searchParams.get(guard);
  // Only when there is one: rewriting the query would re-encode the rest of it.
  if (guard) for (const g of GUARDS) url.searchParams.delete(g);
  const fmt = url.searchParams.get('fmt')?.trim();
  let charset: Charset = charsetOf(url.searchParams.get('charset') ?? undefined) ?? 'windows-1251';
  // SMSC: "when the fmt parameter is given, koi8-r is not used".
  if ((fmt === '2' || fmt === '3') && charset === 'koi8-r') charset = 'utf-8';
  // Only ASCII is sure to mean the same in every charset, and the hash must cover what is sent.
  const mes = charset === 'utf-8' ? s.callbackMessage : s.callbackMessage.replace(/[^\x20-\x7e]/g, '?');
  const fields: Array<[string, string]> = [
    ['id', f.id],
    ['phone', f.phone],
    ['mes', mes],
    ['to', f.to],
    ['sent', smscTime(f.at, s.callbackUtcOffsetMin)],
    ['ts', String(Math.floor(f.at / 1000))],
  ];
  if (guard && secret !== undefined && secret !== null) fields.push([guard, guardHash(guard, `${f.phone}:${mes}:${f.to}:${secret}`, s.crc32Format)]);
  if (fmt === '3') return { url: url.href, contentType: `application/json; charset=${charset}`, body: JSON.stringify(Object.fromEntries(fields)) };
  if (fmt === '2') return { url: url.href, contentType: `text/xml; charset=${charset}`, body: `<result>\n${fields.map(([k, v]) => `<${k}>${xml(v)}</${k}>`).join('\n')}\n</result>` };
  const form = fields.map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%20/g, '+')}`).join('&');
  return { url: url.href, contentType: `application/x-www-form-urlencoded; charset=${charset}`, body: form };
}
