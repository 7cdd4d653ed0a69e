import { canonicalIp } from './ip.js';
import type { CgnatMapping } from './operator-store.js';

export interface ParsedLines {
  mappings: CgnatMapping[];
  errors: Array<{ line: number; error: string }>;
}

function time(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return v < 1e11 ? v * 1000 : v; // seconds or milliseconds
  if (typeof v === 'string' && v.length <= 40) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

const port = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535 ? v : undefined);

/**
 * Reads CGNAT port-block records, one JSON object per line:
 * `{"private_ip", "public_ip", "port_start", "port_end", "start", "end"?}` with times as ISO 8601 or
 * epoch seconds / milliseconds. A bad line is reported by number and skipped; the rest are kept.
 */
export function parseCgnatLines(text: string): ParsedLines {
  const out: ParsedLines = { mappings: [], errors: [] };
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let o: Record<string, unknown>;
    try {
      const v: unknown = JSON.parse(line);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
      o = v as Record<string, unknown>;
    } catch {
      out.errors.push({ line: i + 1, error: 'not a JSON object' });
      return;
    }
    const priv = typeof o.private_ip === 'string' ? canonicalIp(o.private_ip) : undefined;
    const pub = typeof o.public_ip === 'string' ? canonicalIp(o.public_ip) : undefined;
    const ps = port(o.port_start);
    const pe = port(o.port_end);
    const start = time(o.start);
    const end = o.end === undefined || o.end === null ? null : time(o.end);
    const problem = !priv
      ? 'private_ip is not an IP address'
      : !pub
        ? 'public_ip is not an IP address'
        : ps === undefined || pe === undefined || pe < ps
          ? 'port_start and port_end must be ports with port_start ≤ port_end'
          : start === undefined
            ? 'start must be an ISO 8601 time or epoch seconds'
            : end === undefined || (end !== null && end < start)
              ? 'end must be a time after start'
              : undefined;
    if (problem) {
      out.errors.push({ line: i + 1, error: problem });
      return;
    }
    out.mappings.push({ private_ip: priv as string, public_ip: pub as string, port_start: ps as number, port_end: pe as number, started_at: start as number, ended_at: end ?? null });
  });
  return out;
}
