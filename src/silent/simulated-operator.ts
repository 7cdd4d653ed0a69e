import { createHash } from 'node:crypto';
import { AppError } from '../errors/index.js';
import type { Clock } from '../lib/clock.js';
import { canonicalIp } from './ip.js';
import type { OperatorStore } from './operator-store.js';
import { simulatedOperator, type SilentEngine } from './silent-engine.js';

/**
 * Ports a phone behind CGNAT holds around the one it went online with: an aligned block of 1024,
 * a common size for the blocks a carrier-grade NAT hands each subscriber (RFC 7422 logs them).
 */
export const PORT_BLOCK = 1024;
// 100.64.0.0/10, the shared address space for CGNAT (RFC 6598).
const CGNAT_BASE = (100 << 24) | (64 << 16);
const CGNAT_SIZE = 1 << 22;
// Phones of one account that collide on the first pick are few; this bounds the search.
const CGNAT_PROBES = 64;

const sessionId = (number: string) => `vp:${number}`;

/**
 * The sandbox's mobile operator, one per account: the data sessions of its virtual phones, which
 * the silent engine looks up as it does a real operator's RADIUS feed.
 */
export class SimulatedOperator {
  constructor(
    private readonly operator: OperatorStore,
    private readonly engine: SilentEngine,
    private readonly clock: Clock,
  ) {}

  /**
   * The phone gets a data session on the simulated operator. With a port it sits behind CGNAT, as
   * most mobile subscribers do: its session holds a private address of its own, and `ip` lends it
   * the block of PORT_BLOCK ports around `port` (taken from any phone that held it), so only a
   * request naming a port in that block finds it. Without a port it holds `ip` itself, and any
   * request for that address, with any port or none, finds it.
   */
  async online(accountId: string, number: string, ip: string, port?: number): Promise<void> {
    const address = canonicalIp(ip);
    if (!address) throw new AppError('VALIDATION_FAILED', 'ip must be an IPv4 or IPv6 address');
    const operator = simulatedOperator(accountId);
    const now = this.clock.now();
    const ranges = await this.operator.ranges(operator);
    const cidr = `${address}/${address.includes(':') ? 128 : 32}`;
    if (!ranges.includes(cidr)) {
      await this.operator.setRanges(operator, [...ranges, cidr], now);
      this.engine.invalidate();
    }
    const held = await this.operator.session(operator, sessionId(number));
    if (held?.ended_at === null) await this.operator.endPortBlocks(operator, held.ip, now);
    let sessionIp = address;
    if (port !== undefined) {
      sessionIp = await this.privateAddress(operator, number);
      const portStart = port - (port % PORT_BLOCK);
      const displaced = await this.operator.claimPortBlock(operator, { private_ip: sessionIp, public_ip: address, port_start: portStart, port_end: portStart + PORT_BLOCK - 1 }, now);
      // A phone whose block was taken has no way onto the network left: its session ends.
      const bumped = await this.operator.sessionsOn(operator, displaced, now, now);
      const stops = bumped.filter((s) => s.ended_at === null && s.msisdn !== number).map((s) => ({ status: 'stop' as const, sessionId: s.session_id, msisdn: s.msisdn, ip: s.ip, at: now }));
      await this.operator.recordSessions(operator, stops);
    }
    await this.operator.recordSessions(operator, [{ status: 'start', sessionId: sessionId(number), msisdn: number, ip: sessionIp, at: now }]);
  }

  async offline(accountId: string, number: string): Promise<void> {
    const operator = simulatedOperator(accountId);
    const session = await this.operator.session(operator, sessionId(number));
    if (!session || session.ended_at !== null) return;
    const now = this.clock.now();
    await this.operator.endPortBlocks(operator, session.ip, now);
    await this.operator.recordSessions(operator, [{ status: 'stop', sessionId: sessionId(number), msisdn: number, ip: session.ip, at: now }]);
  }

  /** The open data session: the public address it is reached at, and its port block when behind CGNAT. */
  async status(accountId: string, number: string): Promise<{ ip: string; since: number; ports?: { start: number; end: number } } | null> {
    const operator = simulatedOperator(accountId);
    const session = await this.operator.session(operator, sessionId(number));
    if (!session || session.ended_at !== null) return null;
    const block = await this.operator.openPortBlock(operator, session.ip);
    if (!block) return { ip: session.ip, since: session.started_at };
    return { ip: block.public_ip, since: session.started_at, ports: { start: block.port_start, end: block.port_end } };
  }

  /**
   * The phone's own address in the CGNAT range (RFC 6598), the same every time: one picked from
   * its number, or the next free one when another phone of the account already has it.
   */
  private async privateAddress(operator: string, number: string): Promise<string> {
    const first = createHash('sha256').update(number).digest().readUInt32BE(0) % CGNAT_SIZE;
    for (let i = 0; i < CGNAT_PROBES; i++) {
      const n = CGNAT_BASE + ((first + i) % CGNAT_SIZE);
      const candidate = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
      const holders = await this.operator.sessionsOn(operator, [candidate], 0, Number.MAX_SAFE_INTEGER);
      if (holders.every((s) => s.msisdn === number)) return candidate;
    }
    throw new AppError('VALIDATION_FAILED', 'no free address is left on the simulated operator');
  }
}
