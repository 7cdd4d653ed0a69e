import type { FastifyRequest } from 'fastify';

/** A request's parameters by lower-cased name (`langId` and `langID` are one), first value wins. */
export type Params = ReadonlyMap<string, string>;

const MAX_VALUE = 512;

function add(into: Map<string, string>, key: string, value: unknown): void {
  const k = key.trim().toLowerCase();
  if (!k || into.has(k)) return;
  if (typeof value === 'string') into.set(k, value.slice(0, MAX_VALUE));
  else if (typeof value === 'number' && Number.isFinite(value)) into.set(k, String(value));
  else if (typeof value === 'boolean') into.set(k, String(value));
}

/**
 * Everything is a query parameter in the vendor's samples, but clients also send a form or JSON
 * body (Python `json={}`), so the body fills in what the query lacks. The query is read from the
 * raw URL: the official sample starts it with `?&`, and a base64 key may hold a bare `+`.
 */
export function readParams(req: FastifyRequest): Params {
  const out = new Map<string, string>();
  const q = req.url.indexOf('?');
  if (q >= 0) for (const [k, v] of new URLSearchParams(req.url.slice(q + 1))) add(out, k, v);
  const body = typeof req.body === 'string' ? req.body.trim() : '';
  if (body.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch {
      doc = undefined;
    }
    if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) for (const [k, v] of Object.entries(doc)) add(out, k, v);
  } else if (body) {
    for (const [k, v] of new URLSearchParams(body)) add(out, k, v);
  }
  return out;
}

/** A parameter, trimmed; undefined when absent or empty. */
export function param(p: Params, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = p.get(n.toLowerCase())?.trim();
    if (v) return v;
  }
  return undefined;
}

export function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
}
