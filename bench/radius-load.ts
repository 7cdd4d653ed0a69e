/**
 * RADIUS accounting load, run as its own process by bench/run.ts: N Accounting-Request Starts (one
 * session each) to Verity's listener, at most WINDOW unanswered at a time, each retransmitted after
 * one second without an answer (as a NAS does). Prints one JSON line: packets per second until the
 * last answer, retransmissions, and packets never answered.
 *
 * Usage: node dist/bench/radius-load.js <port> <secret> <packets>
 */
import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import radius from 'radius';

const WINDOW = 512;
const RETRY_MS = 1000;
const MAX_TRIES = 5;

function packet(i: number, secret: string): Buffer {
  return radius.encode({
    code: 'Accounting-Request',
    secret,
    identifier: i & 255,
    attributes: [
      ['Acct-Status-Type', 'Start'],
      ['Acct-Session-Id', `bench-${i}`],
      ['Calling-Station-Id', `55119${String(i).padStart(8, '0')}`],
      ['Framed-IP-Address', `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`],
      ['NAS-IP-Address', '127.0.0.1'],
    ],
  });
}

async function main(): Promise<void> {
  const [portArg, secret = '', countArg] = process.argv.slice(2);
  const port = Number(portArg);
  const total = Number(countArg ?? 100_000);
  // Identifiers are one byte per NAS: one socket per 256 outstanding packets keeps them unique.
  const sockets = Array.from({ length: Math.ceil(WINDOW / 256) }, () => createSocket('udp4'));
  const pending = new Map<string, { i: number; sentAt: number; tries: number; buf: Buffer; socket: number }>();
  let next = 0;
  let answered = 0;
  let retransmitted = 0;
  let lost = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const send = () => {
      while (pending.size < WINDOW && next < total) {
        const i = next++;
        const socket = i % sockets.length;
        const key = `${socket}:${i & 255}`;
        if (pending.has(key)) {
          next--;
          break;
        }
        const buf = packet(i, secret);
        pending.set(key, { i, sentAt: performance.now(), tries: 1, buf, socket });
        sockets[socket]?.send(buf, port, '127.0.0.1');
      }
      if (next >= total && pending.size === 0) resolve();
    };
    for (const [idx, s] of sockets.entries()) {
      s.on('message', (msg: Buffer) => {
        const key = `${idx}:${msg[1]}`;
        if (pending.delete(key)) answered++;
        send();
      });
    }
    const timer = setInterval(() => {
      const now = performance.now();
      for (const [key, p] of pending) {
        if (now - p.sentAt < RETRY_MS) continue;
        if (p.tries >= MAX_TRIES) {
          pending.delete(key);
          lost++;
          continue;
        }
        p.tries++;
        p.sentAt = now;
        retransmitted++;
        sockets[p.socket]?.send(p.buf, port, '127.0.0.1');
      }
      send();
      if (next >= total && pending.size === 0) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    send();
  });
  const elapsed = (performance.now() - t0) / 1000;
  for (const s of sockets) s.close();
  process.stdout.write(`${JSON.stringify({ packets: total, answered, retransmitted, lost, seconds: Number(elapsed.toFixed(2)), packets_per_s: Number((answered / elapsed).toFixed(1)) })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`radius-load: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
