import type { Redis } from 'ioredis';
import type { DatabaseHandle } from '../../db/database.js';
import type { Observation } from './engine.js';
import type { ObservationFeed } from './exchange.js';

/** How far back a reader looks again for batches whose sequence numbers committed out of order. */
const SEQ_LAG = 64;
/** Batches one read takes at most: a reader far behind catches up over a few reads. */
const READ_ROWS = 200;
/** What an instance reads on its first read: the last few minutes, so a restarted instance counts them again. */
export const REPLAY_MS = 5 * 60_000;

/**
 * The feed on PostgreSQL: one row per batch in `fraud_observations`. A bigserial is handed out at
 * insert but a row is seen at commit, so a reader reads the last SEQ_LAG numbers again and skips
 * what it has seen.
 */
export class SqlFeed implements ObservationFeed {
  private cursor: number | undefined;
  private readonly seen = new Set<number>();

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly origin: string,
    private readonly now: () => number,
  ) {}

  async publish(batch: readonly Observation[]): Promise<void> {
    await this.handle.db
      .insertInto('fraud_observations')
      .values({ origin: this.origin, at: this.now(), data: JSON.stringify(batch) })
      .execute();
  }

  async read(): Promise<Observation[]> {
    let q = this.handle.db.selectFrom('fraud_observations').select(['seq', 'origin', 'data']);
    q = this.cursor === undefined ? q.where('at', '>=', this.now() - REPLAY_MS) : q.where('seq', '>', this.cursor - SEQ_LAG);
    const rows = await q
      .orderBy('seq')
      .limit(READ_ROWS + SEQ_LAG)
      .execute();
    const out: Observation[] = [];
    for (const r of rows) {
      const seq = Number(r.seq);
      this.cursor = Math.max(this.cursor ?? 0, seq);
      if (this.seen.has(seq)) continue;
      this.seen.add(seq);
      if (r.origin !== this.origin) out.push(...(JSON.parse(r.data) as Observation[]));
    }
    this.cursor ??= 0;
    for (const seq of this.seen) if (seq <= this.cursor - SEQ_LAG) this.seen.delete(seq);
    return out;
  }

  async sweep(before: number): Promise<void> {
    await this.handle.db.deleteFrom('fraud_observations').where('at', '<', before).execute();
  }
}

/** The stream every instance on one Redis shares. */
export const STREAM_KEY = 'verity:fraud:observations';
/** Entries the stream keeps, about (Redis trims it in whole nodes). */
const STREAM_MAX = 10_000;

/** The feed on Redis (when REDIS_URL is set): a stream, one entry per batch, trimmed as it grows. */
export class RedisFeed implements ObservationFeed {
  private last: string | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly origin: string,
    private readonly now: () => number,
    private readonly key = STREAM_KEY,
  ) {}

  async publish(batch: readonly Observation[]): Promise<void> {
    await this.redis.xadd(this.key, 'MAXLEN', '~', String(STREAM_MAX), '*', 'o', this.origin, 'd', JSON.stringify(batch));
  }

  async read(): Promise<Observation[]> {
    // Stream ids start with the time Redis added them: the first read starts REPLAY_MS ago.
    this.last ??= `${Math.max(0, this.now() - REPLAY_MS)}-0`;
    const got = await this.redis.xread('COUNT', READ_ROWS, 'STREAMS', this.key, this.last);
    const out: Observation[] = [];
    for (const [, entries] of got ?? []) {
      for (const [id, fields] of entries) {
        this.last = id;
        if (fields[1] !== this.origin) out.push(...(JSON.parse(fields[3] ?? '[]') as Observation[]));
      }
    }
    return out;
  }

  /** The stream trims itself as it grows (STREAM_MAX). */
  async sweep(): Promise<void> {}
}
