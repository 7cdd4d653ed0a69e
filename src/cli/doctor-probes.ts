import { hostname } from 'node:os';
import type { Socket } from 'node:net';
import smpp from 'smpp';
import { request } from 'undici';
import { isBlockedAddress, type OutboundGuard } from '../outbound/outbound-guard.js';

/** What a probe found: a line of its own in the doctor's report. */
export interface Finding {
  ok: boolean;
  detail: string;
  /** What to do about a problem. */
  fix?: string;
}

/** How long one probe may take: a doctor that hangs on a black-holed address helps nobody. */
export const PROBE_TIMEOUT_MS = 5_000;

/** `work`, or a rejection naming what did not finish in time. */
export function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Why a connection failed, in words, with the guard's refusal told apart (it has its own fix). */
export function reason(err: unknown): string {
  if (isBlockedAddress(err)) return 'the address is private or loopback, which the outbound guard refuses';
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.cause?.code ?? e.code;
  return code ? `${code} (${e.cause?.message ?? e.message ?? ''})` : (e.message ?? String(err));
}

export const GUARD_FIX = 'if the upstream is meant to be on a private network, set PROVIDERS_ALLOW_PRIVATE=true';

/** Reads SMTP replies off a socket: each resolves with the reply's code once its last line arrives. */
function smtpReplies(socket: Socket) {
  let buffer = '';
  const waiting: Array<{ resolve: (code: number) => void; reject: (err: Error) => void }> = [];
  const ready: number[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
      const line = buffer.slice(0, end).replace(/\r$/, '');
      buffer = buffer.slice(end + 1);
      // `250-…` continues a reply; `250 …` (or a bare code) ends it.
      if (/^\d{3}(?: |$)/.test(line)) {
        const code = Number(line.slice(0, 3));
        const next = waiting.shift();
        if (next) next.resolve(code);
        else ready.push(code);
      }
    }
  });
  const fail = (err: Error) => {
    for (const w of waiting.splice(0)) w.reject(err);
  };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('the server closed the connection')));
  return () =>
    new Promise<number>((resolve, reject) => {
      const code = ready.shift();
      if (code !== undefined) resolve(code);
      else waiting.push({ resolve, reject });
    });
}

/** SMTP: connect (TLS from the first byte when `secure`), read the greeting, EHLO, QUIT. Nothing is sent. */
export async function probeSmtp(guard: OutboundGuard, o: { host: string; port: number; secure: boolean; rejectUnauthorized: boolean }): Promise<Finding> {
  const where = `${o.host}:${o.port}`;
  const socket = guard.socket(o.host, o.port, o.secure ? { rejectUnauthorized: o.rejectUnauthorized } : undefined);
  const reply = smtpReplies(socket);
  try {
    const greeting = await within(PROBE_TIMEOUT_MS, where, reply());
    if (greeting !== 220) return { ok: false, detail: `${where} greeted with ${greeting}, not 220`, fix: 'check that host and port name an SMTP server that accepts mail' };
    socket.write(`EHLO ${hostname() || 'verity'}\r\n`);
    const ehlo = await within(PROBE_TIMEOUT_MS, where, reply());
    if (ehlo !== 250) return { ok: false, detail: `${where} answered EHLO with ${ehlo}`, fix: 'check the server accepts this host; see its log' };
    socket.write('QUIT\r\n');
    return { ok: true, detail: `${where} answered EHLO` };
  } catch (err) {
    return { ok: false, detail: `${where}: ${reason(err)}`, fix: isBlockedAddress(err) ? GUARD_FIX : 'check host, port and secure, and that the server is up and reachable from here' };
  } finally {
    socket.destroy();
  }
}

const statusName = (status: number) => Object.entries(smpp.errors).find(([, v]) => v === status)?.[0] ?? `0x${status.toString(16)}`;

/** SMPP: connect, bind_transceiver with the configured credentials, unbind. Nothing is submitted. */
export async function probeSmpp(guard: OutboundGuard, o: { host: string; port: number; tls: boolean; systemId: string; password: string; systemType: string }): Promise<Finding> {
  const where = `${o.host}:${o.port}`;
  const socket = guard.socket(o.host, o.port, o.tls ? {} : undefined);
  const session = smpp.connect({ socket });
  try {
    const status = await within(
      PROBE_TIMEOUT_MS,
      where,
      new Promise<number>((resolve, reject) => {
        session.on('error', reject);
        socket.once('close', () => reject(new Error('the SMSC closed the connection')));
        // A session over a socket it was given does not re-emit the socket's connect events.
        socket.once(o.tls ? 'secureConnect' : 'connect', () => {
          session.bind_transceiver({ system_id: o.systemId, password: o.password, system_type: o.systemType, interface_version: 0x34 }, (resp) => resolve(resp.command_status));
        });
      }),
    );
    if (status !== 0) return { ok: false, detail: `${where} refused the bind: ${statusName(status)}`, fix: 'check systemId, password and systemType with the SMSC operator' };
    await within(PROBE_TIMEOUT_MS, `${where} unbind`, new Promise<void>((resolve) => session.unbind({}, () => resolve())));
    return { ok: true, detail: `${where} accepted the bind (then unbound)` };
  } catch (err) {
    return { ok: false, detail: `${where}: ${reason(err)}`, fix: isBlockedAddress(err) ? GUARD_FIX : 'check host, port and tls, and that the SMSC is reachable from here' };
  } finally {
    session.destroy();
  }
}

/** HTTP: a HEAD to the URL's origin through the guard; any HTTP answer means it is reachable. */
export async function probeHttp(guard: OutboundGuard, url: string): Promise<Finding> {
  let origin: string;
  try {
    origin = `${new URL(url).origin}/`;
  } catch {
    return { ok: false, detail: 'the URL does not parse', fix: 'set an absolute http(s) URL' };
  }
  try {
    const res = await request(origin, { method: 'HEAD', dispatcher: guard.http, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), headersTimeout: PROBE_TIMEOUT_MS });
    await res.body.dump();
    return { ok: true, detail: `${origin} answered HTTP ${res.statusCode}` };
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError';
    return {
      ok: false,
      detail: `${origin}: ${timedOut ? `no answer within ${PROBE_TIMEOUT_MS / 1000} s` : reason(err)}`,
      fix: isBlockedAddress(err) ? GUARD_FIX : 'check the URL, DNS and any firewall or proxy between here and there',
    };
  }
}
