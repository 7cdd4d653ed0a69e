import { TAG } from '../http/reference.js';
import { Type } from 'typebox';
import { AppError } from '../errors/index.js';
import { problems, Timestamp } from '../http/schemas.js';
import { principalOf, type App } from '../http/types.js';
import type { Clock } from '../lib/clock.js';
import type { NumberPool } from './number-pool.js';
import type { NumberRow, NumberStore } from './number-store.js';
import { canonicalNumber, parseEntry, PURPOSES, type NumberPurpose, type PoolEntry } from './pool-entry.js';

const Purpose = Type.Enum([...PURPOSES], { description: 'reverse_call: the user calls this number; flash_call: the caller ID of a missed call' });

const Entry = Type.Object({
  number: Type.String({ description: 'E.164; a flash_call entry may end in 4–6 X that the code fills' }),
  purpose: Purpose,
  country: Type.String({ description: 'ISO 3166 alpha-2 of the destinations it serves, or *' }),
  source: Type.Enum(['account', 'server'], { description: "account: this account's own; server: configured on the server" }),
});
const reverseCall = { number: '+14155550123', purpose: 'reverse_call', country: 'US', source: 'account', created_at: '2026-05-04T10:15:00.000Z' };
const OwnEntry = Type.Object({ ...Entry.properties, created_at: Timestamp }, { examples: [reverseCall] });
const List = Type.Object(
  { numbers: Type.Array(OwnEntry), server: Type.Array(Entry, { description: 'The server’s numbers (INBOUND_NUMBERS), used for a purpose the account has none for' }) },
  {
    examples: [
      {
        numbers: [{ number: '+4420794600XXXX', purpose: 'flash_call', country: 'GB', source: 'account', created_at: '2026-04-28T09:00:00.000Z' }, reverseCall],
        server: [{ number: '+14155550142', purpose: 'reverse_call', country: '*', source: 'server' }],
      },
    ],
  },
);

const Body = Type.Object(
  {
    number: Type.String({ minLength: 1, maxLength: 32, description: 'E.164 (+442079460123), or for flash_call digits ending in 4–6 X (+4420794600XXXX)' }),
    purpose: Purpose,
    country: Type.Optional(Type.String({ minLength: 1, maxLength: 2, description: 'ISO 3166 alpha-2 or *; default: the number’s own country (* for a pattern)' })),
  },
  {
    additionalProperties: false,
    examples: [
      { number: '+14155550123', purpose: 'reverse_call' },
      { number: '+4420794600XXXX', purpose: 'flash_call', country: 'GB' },
    ],
  },
);

const Params = Type.Object({ purpose: Purpose, number: Type.String({ minLength: 2, maxLength: 40, description: 'The number as listed; encode + as %2B or send it as is' }) });

const ownView = (r: NumberRow) => ({ number: r.number, purpose: r.purpose as NumberPurpose, country: r.country, source: 'account' as const, created_at: new Date(r.created_at).toISOString() });
const serverView = (e: PoolEntry) => ({ number: e.number, purpose: e.purpose, country: e.country, source: 'server' as const });

/** The account's own reverse-call and flash-call numbers; without any, the server's are used. */
export function numberRoutes(pool: NumberPool, store: NumberStore, clock: Clock) {
  return async function routes(app: App): Promise<void> {
    const tags = [TAG.numbers];
    app.post(
      '/v1/numbers',
      {
        schema: {
          tags,
          summary: 'Add a number to the account’s pool; adding one already there answers 200 with it',
          body: Body,
          response: { 201: OwnEntry, 200: OwnEntry, ...problems('INVALID_NUMBER_ENTRY') },
        },
      },
      async (req, reply) => {
        const entry = parseEntry(req.body);
        if ('problem' in entry) throw new AppError('INVALID_NUMBER_ENTRY', entry.problem);
        const accountId = principalOf(req).accountId;
        const { row, created } = await store.add({ account_id: accountId, ...entry, created_at: clock.now() });
        pool.invalidate(accountId);
        return reply.code(created ? 201 : 200).send(ownView(row));
      },
    );

    app.get(
      '/v1/numbers',
      {
        schema: {
          tags,
          summary: 'The account’s numbers, and the server’s that are used for a purpose the account has none for',
          querystring: Type.Object({ purpose: Type.Optional(Purpose) }),
          response: { 200: List, ...problems() },
        },
      },
      async (req) => ({
        numbers: (await store.list(principalOf(req).accountId, req.query.purpose)).map(ownView),
        server: pool.server(req.query.purpose).map(serverView),
      }),
    );

    app.delete(
      '/v1/numbers/:purpose/:number',
      { schema: { tags, summary: 'Remove a number from the account’s pool', params: Params, response: { 204: Type.Null(), ...problems('NUMBER_NOT_FOUND') } } },
      async (req, reply) => {
        const accountId = principalOf(req).accountId;
        if (!(await store.remove(accountId, req.params.purpose, canonicalNumber(req.params.number)))) {
          throw new AppError('NUMBER_NOT_FOUND', 'this account has no such number for that purpose');
        }
        pool.invalidate(accountId);
        return reply.code(204).send(null);
      },
    );
  };
}
