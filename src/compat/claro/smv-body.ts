/** The smvs request as Verity reads it, whatever form the vendor's sample clients wrote it in. */
export interface SmvQuery {
  /** Digits, country code first (`5511987654321`). */
  msisdn: string;
  ip: string;
  port: number | undefined;
  /** Milliseconds since the epoch. */
  at: number;
}

// Claro's PHP sample writes the address unquoted (`"ip": 200.1.2.3`), which is not JSON: quote a
// bare dotted quad after a key before parsing.
const BARE_IPV4 = /("ip"\s*:\s*)(\d{1,3}(?:\.\d{1,3}){3})(\s*[,}])/g;

/**
 * Reads `{"data": {"msisdn", "ip", "port", "timestamp"}}`: msisdn as a string or a bare number,
 * ip quoted or not, timestamp in seconds (Java sends a float such as 1.7E9) or milliseconds.
 * Returns what is wrong instead when it cannot.
 */
export function parseSmvBody(raw: string): SmvQuery | { problem: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(raw.replace(BARE_IPV4, '$1"$2"$3'));
  } catch {
    return { problem: 'the body is not JSON' };
  }
  const data = typeof doc === 'object' && doc !== null ? (doc as { data?: unknown }).data : undefined;
  if (typeof data !== 'object' || data === null) return { problem: 'data is required' };
  const d = data as Record<string, unknown>;
  const msisdn = typeof d.msisdn === 'number' && Number.isSafeInteger(d.msisdn) ? String(d.msisdn) : typeof d.msisdn === 'string' ? d.msisdn.trim().replace(/^\+/, '') : '';
  if (!/^[1-9][0-9]{7,14}$/.test(msisdn)) return { problem: 'data.msisdn must be the number with its country code' };
  if (typeof d.ip !== 'string' || d.ip.length === 0 || d.ip.length > 64) return { problem: 'data.ip is required' };
  let port: number | undefined;
  if (d.port !== undefined && d.port !== null) {
    const p = typeof d.port === 'string' ? Number(d.port) : d.port;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 65535) return { problem: 'data.port must be a port number' };
    port = p;
  }
  const t = typeof d.timestamp === 'string' ? Number(d.timestamp) : d.timestamp;
  if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0) return { problem: 'data.timestamp must be epoch seconds' };
  // 1e12 ms is 2001; no seconds value of this century comes near it.
  const at = Math.round(t >= 1e12 ? t : t * 1000);
  return { msisdn, ip: d.ip, port, at };
}
