import { sql } from 'kysely';
import type { DatabaseHandle } from '../db/database.js';
import type { SoundTable } from '../db/schema.js';
import { newId } from '../lib/ids.js';
import type { SoundContentType } from './sound-check.js';
import type { PageCursor } from '../lib/page-cursor.js';

/** A sound without its audio: what lists and reads return. */
export type SoundMeta = Omit<SoundTable, 'data'>;

/** Where a page of the list starts: strictly older than this sound. */
export type SoundCursor = PageCursor;

/** A new sound's row: its audio, checked by inspectSound, stored as base64. */
export function newSoundRow(accountId: string, name: string, bytes: Buffer, found: { contentType: SoundContentType; durationMs: number }, now: number): SoundTable {
  return { id: newId('snd'), account_id: accountId, name, content_type: found.contentType, size: bytes.length, duration_ms: found.durationMs, data: bytes.toString('base64'), created_at: now };
}

const META: ReadonlyArray<keyof SoundMeta> = ['id', 'account_id', 'name', 'content_type', 'size', 'duration_ms', 'created_at'];

/** SQL of uploaded sounds. Every read a caller makes is scoped by account; only `audio` is not. */
export class SoundStore {
  constructor(private readonly handle: DatabaseHandle) {}

  /**
   * Stores a sound unless its account already holds `maxPerAccount`; false when it does. The
   * count and the insert share a transaction (serialized per account on PostgreSQL), so
   * concurrent uploads cannot overshoot the limit.
   */
  async insert(row: SoundTable, maxPerAccount = Number.POSITIVE_INFINITY): Promise<boolean> {
    return this.handle.write(async (trx) => {
      if (Number.isFinite(maxPerAccount)) {
        if (this.handle.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtextextended(${`sounds:${row.account_id}`}, 0))`.execute(trx);
        const { n } = await trx
          .selectFrom('sounds')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('account_id', '=', row.account_id)
          .executeTakeFirstOrThrow();
        if (Number(n) >= maxPerAccount) return false;
      }
      await trx.insertInto('sounds').values(row).execute();
      return true;
    });
  }

  /** Newest first; `limit` rows at most, starting after `cursor`. */
  list(accountId: string, page: { limit: number; cursor?: SoundCursor | undefined }): Promise<SoundMeta[]> {
    let q = this.handle.db.selectFrom('sounds').select(META).where('account_id', '=', accountId);
    const c = page.cursor;
    if (c) q = q.where((eb) => eb.or([eb('created_at', '<', c.createdAt), eb.and([eb('created_at', '=', c.createdAt), eb('id', '<', c.id)])]));
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
  }

  get(accountId: string, id: string): Promise<SoundMeta | undefined> {
    return this.handle.db.selectFrom('sounds').select(META).where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  }

  /** The audio of any account's sound: for the signed public fetch, whose signature names the id. */
  async audio(id: string): Promise<{ contentType: SoundContentType; bytes: Buffer } | undefined> {
    const row = await this.handle.db.selectFrom('sounds').select(['content_type', 'data']).where('id', '=', id).executeTakeFirst();
    return row && { contentType: row.content_type as SoundContentType, bytes: Buffer.from(row.data, 'base64') };
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    const res = await this.handle.write((trx) => trx.deleteFrom('sounds').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst());
    return Number(res.numDeletedRows) === 1;
  }

  async count(accountId: string): Promise<number> {
    const { n } = await this.handle.db
      .selectFrom('sounds')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    return Number(n);
  }
}
