/** Where an Accounting-Response goes: the source of the request it answers. */
export interface ReplyTo {
  address: string;
  port: number;
}

interface Entry {
  /** Undefined while the request's record is being stored. */
  response: Buffer | undefined;
  /** Senders still owed the response: the request, then any retransmission that came meanwhile. */
  waiting: ReplyTo[];
  expiresAt: number;
}

/**
 * Recognises a NAS retransmitting a request it already sent (RFC 5080 §2.2.2: same source, same
 * Identifier, same Request Authenticator), so a record is stored once however often the NAS
 * repeats itself, and the repeat is answered with the same response. A request whose store failed
 * is forgotten: its next retransmission is a fresh attempt.
 */
export class DuplicateCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly windowMs: number) {}

  /** Identifier and authenticator (and Length, which comes between them) from the same NAS. */
  static key(nas: string, packet: Buffer): string {
    return `${nas}|${packet.toString('latin1', 1, 20)}`;
  }

  /**
   * If `key` was seen within the window: its response (to send again now), or, while it is still
   * being stored, undefined after adding `to` to those answered when the store completes.
   */
  repeat(key: string, to: ReplyTo, now: number): { response: Buffer | undefined } | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.expiresAt <= now) return undefined;
    if (!entry.response) entry.waiting.push(to);
    return { response: entry.response };
  }

  storing(key: string, to: ReplyTo): void {
    this.entries.set(key, { response: undefined, waiting: [to], expiresAt: Number.POSITIVE_INFINITY });
  }

  /** Remembers the response for the window and returns every sender owed it. */
  answered(key: string, response: Buffer, now: number): ReplyTo[] {
    const waiting = this.entries.get(key)?.waiting ?? [];
    this.entries.set(key, { response, waiting: [], expiresAt: now + this.windowMs });
    return waiting;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  sweep(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
