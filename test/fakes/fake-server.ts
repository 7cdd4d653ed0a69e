/**
 * A loopback HTTP server standing in for a vendor's cloud API. Each vendor fake answers through a
 * handler that checks the documented wire format and replies the way the vendor does.
 */
import { listen, type SeenRequest } from '../helpers/http-listener.js';
import { closedPort } from '../helpers/loopback-ports.js';
import { pino } from 'pino';
import { ManualClock } from '../../src/lib/clock.js';
import type { DeliveryReceipt } from '../../src/kernel/message.js';
import type { ProviderContext } from '../../src/delivery/provider.js';
import { OutboundGuard } from '../../src/outbound/outbound-guard.js';

export type { SeenRequest } from '../helpers/http-listener.js';

export interface FakeReply {
  status: number;
  json?: unknown;
}

/** `hang`: accept the request and never answer (a vendor that stalls). */
export type FakeHandler = (req: SeenRequest) => FakeReply | 'hang';

export interface FakeServer {
  /** `http://127.0.0.1:<port>`: the adapter's baseUrl. */
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

export function startFake(handler: FakeHandler): Promise<FakeServer> {
  return listen((req) => {
    const reply = handler(req);
    if (reply === 'hang') return reply;
    return { status: reply.status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: reply.json === undefined ? '' : JSON.stringify(reply.json) };
  }, []);
}

/** A base URL where nothing listens: a port that was free a moment ago. */
export async function refusedUrl(): Promise<string> {
  return `http://127.0.0.1:${await closedPort()}`;
}

/** A provider context whose guard lets it reach the fakes on loopback, or refuses that (`allowPrivate` false). */
export function providerContext(name: string, receipts: DeliveryReceipt[] = [], allowPrivate = true): ProviderContext {
  return {
    name,
    log: pino({ level: 'silent' }),
    clock: new ManualClock(),
    onReceipt: (r) => receipts.push(r),
    callbackUrl: `https://verity.example.com/v1/providers/${name}/callback`,
    outbound: new OutboundGuard(allowPrivate),
  };
}

/** One-shot refusals queued by a harness's refuseNext. */
export class RefusalQueue<K extends string = 'permanent' | 'temporary'> {
  private next: K[] = [];
  push(kind: K): void {
    this.next.push(kind);
  }
  take(): K | undefined {
    return this.next.shift();
  }
}

/** Throws with a readable reason when a request breaks the documented format; the fake answers 400. */
export { expectWire, WireError } from '../helpers/http-listener.js';
