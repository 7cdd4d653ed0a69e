import type { PumpingEngine, Observation } from './engine.js';

/** How often an instance sends what it observed and reads what the others did. */
export const EXCHANGE_MS = 250;
/** Observations waiting to be sent, at most (past it, the oldest are dropped: the feed is down). */
export const OUTGOING_MAX = 50_000;

/** Where instances meet: each publishes its own observations and reads the others'. */
export interface ObservationFeed {
  publish(batch: readonly Observation[]): Promise<void>;
  /** The other instances' observations since the last read, oldest first. */
  read(): Promise<Observation[]>;
  /** Drops what is older than `before` (ms). */
  sweep(before: number): Promise<void>;
}

/**
 * Keeps the pumping rules of every instance counting the same traffic: what this instance's
 * engine observes is sent to the feed every EXCHANGE_MS, and what the others sent is applied
 * to it, so an attack spread across instances is judged as one. Blocks are in the database and
 * need none of this; it is the statistics behind the score that travel.
 */
export class PumpingExchange {
  private outgoing: Observation[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly engine: PumpingEngine,
    private readonly feed: ObservationFeed,
    private readonly warn: (err: unknown) => void,
  ) {
    engine.onObservation((o) => {
      if (this.outgoing.length >= OUTGOING_MAX) this.outgoing.shift();
      this.outgoing.push(o);
    });
  }

  start(): void {
    this.timer = setInterval(() => void this.sync().catch(this.warn), EXCHANGE_MS);
    this.timer.unref();
  }

  /** Sends what is waiting and applies what the others sent; one at a time. */
  sync(): Promise<void> {
    this.running ??= this.exchange().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sync().catch(this.warn);
  }

  private async exchange(): Promise<void> {
    const batch = this.outgoing;
    this.outgoing = [];
    if (batch.length > 0) await this.feed.publish(batch);
    for (const o of await this.feed.read()) this.engine.apply(o);
  }
}
