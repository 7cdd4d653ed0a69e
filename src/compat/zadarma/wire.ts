import type { FastifyRequest } from 'fastify';
import { multipartBoundary, parseMultipart } from './multipart.js';
import type { SignedRequest } from './signature.js';

export interface WireFile {
  field: string;
  filename: string;
  bytes: Buffer;
}

/** A Zadarma request as sent: what the signature covers, the decoded params and any files. */
export interface WireRequest extends SignedRequest {
  /** Decoded params; a repeated key keeps its last value, as PHP reads it. */
  params: Map<string, string>;
  files: WireFile[];
}

const MAX_PAIRS = 100;

/** Form decoding that never throws: a malformed escape stays as it was sent. */
function formDecode(s: string): string {
  const spaced = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

function fromQueryString(path: string, text: string): WireRequest | undefined {
  const segments = text.split('&').filter((s) => s.length > 0);
  if (segments.length > MAX_PAIRS) return undefined;
  const raw = segments.map((segment) => {
    const eq = segment.indexOf('=');
    const key = formDecode(eq < 0 ? segment : segment.slice(0, eq));
    return { key, value: eq < 0 ? '' : formDecode(segment.slice(eq + 1)), text: segment };
  });
  return {
    path,
    raw: raw.map(({ key, text }) => ({ key, text })),
    fields: raw.map(({ key, value }) => [key, value] as const),
    params: new Map(raw.map(({ key, value }) => [key, value])),
    files: [],
  };
}

/**
 * The request's path, params and files, read leniently: GET params from the query string; other
 * methods from the body, form-encoded (with or without a content type: the npm `zadarma` client
 * sends DELETE bodies without one) or multipart (file uploads). Undefined when the body cannot be
 * read at all.
 */
export function readWire(req: FastifyRequest): WireRequest | undefined {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const query = q < 0 ? '' : req.url.slice(q + 1);
  const body = Buffer.isBuffer(req.body) ? req.body : undefined;
  if (req.method === 'GET' || req.method === 'HEAD' || !body || body.length === 0) return fromQueryString(path, query);
  const type = String(req.headers['content-type'] ?? '');
  if (!/^multipart\/form-data/i.test(type)) return fromQueryString(path, body.toString('utf8'));
  const boundary = multipartBoundary(type);
  const parts = boundary ? parseMultipart(body, boundary) : undefined;
  if (!parts) return undefined;
  const texts = parts.filter((p) => p.filename === undefined).map((p) => [p.name, p.data.toString('utf8')] as const);
  return {
    path,
    raw: undefined,
    fields: texts,
    params: new Map(texts),
    files: parts.filter((p) => p.filename !== undefined).map((p) => ({ field: p.name, filename: p.filename ?? '', bytes: p.data })),
  };
}
