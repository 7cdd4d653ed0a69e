import { Type } from 'typebox';
import { AppError } from '../errors/index.js';
import { problems } from '../http/schemas.js';
import { principalOf, type App } from '../http/types.js';
import type { Clock } from '../lib/clock.js';
import { parseCgnatLines } from './cgnat-lines.js';
import { canonicalCidr } from './ip.js';
import type { OperatorStore } from './operator-store.js';
import { OUTCOME_STATUS, type SilentEngine } from './silent-engine.js';

const CGNAT_BODY_LIMIT = 32 * 1024 * 1024;
const MAX_ERRORS_SHOWN = 20;

/** An operator's own network data: ranges, CGNAT port blocks in bulk, and lookups over it. */
export function operatorRoutes(store: OperatorStore, engine: SilentEngine, clock: Clock) {
  return async function routes(app: App): Promise<void> {
    const tags = ['operator'];
    const Ranges = Type.Object({ ranges: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 10_000 }) }, { additionalProperties: false });

    app.get('/v1/operator/ranges', { schema: { tags, summary: 'This operator’s public IP ranges (CIDR)', response: { 200: Ranges, ...problems() } } }, async (req) => ({
      ranges: await store.ranges(principalOf(req).accountId),
    }));

    app.put('/v1/operator/ranges', { schema: { tags, summary: 'Replace this operator’s public IP ranges', body: Ranges, response: { 200: Ranges, ...problems('INVALID_CIDR') } } }, async (req) => {
      const cidrs = req.body.ranges.map((r) => [r, canonicalCidr(r)] as const);
      const bad = cidrs.filter(([, c]) => !c).map(([r]) => r);
      if (bad.length > 0) throw new AppError('INVALID_CIDR', `not CIDR blocks: ${bad.slice(0, 5).join(', ')}`);
      const ranges = [...new Set(cidrs.map(([, c]) => c as string))];
      await store.setRanges(principalOf(req).accountId, ranges, clock.now());
      engine.invalidate();
      return { ranges: ranges.sort() };
    });

    await app.register(async (bulk: App) => {
      // JSON lines, possibly millions of them: read as text, parsed line by line.
      bulk.addContentTypeParser(['application/x-ndjson', 'application/jsonl', 'text/plain'], { parseAs: 'string', bodyLimit: CGNAT_BODY_LIMIT }, (_req, body, done) => done(null, body));
      bulk.post(
        '/v1/operator/cgnat',
        {
          schema: {
            tags,
            summary: 'Ingest CGNAT port-block mappings in bulk (JSON lines)',
            description: 'One object per line: {"private_ip", "public_ip", "port_start", "port_end", "start", "end"?}; times ISO 8601 or epoch seconds. Bad lines are reported and skipped.',
            response: {
              200: Type.Object({ ingested: Type.Integer(), rejected: Type.Integer(), errors: Type.Array(Type.Object({ line: Type.Integer(), error: Type.String() })) }),
              ...problems(),
            },
          },
        },
        async (req) => {
          const { mappings, errors } = parseCgnatLines(typeof req.body === 'string' ? req.body : '');
          await store.ingestCgnat(principalOf(req).accountId, mappings);
          return { ingested: mappings.length, rejected: errors.length, errors: errors.slice(0, MAX_ERRORS_SHOWN) };
        },
      );
    });

    app.post(
      '/v1/operator/lookups',
      {
        schema: {
          tags,
          summary: 'Did this number hold this public ip:port at this time? (this operator’s data)',
          body: Type.Object(
            {
              msisdn: Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164' }),
              ip: Type.String({ minLength: 2, maxLength: 45 }),
              port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
              timestamp: Type.Optional(Type.String({ format: 'date-time', description: 'Default now' })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              result: Type.Enum(['verified_online', 'verified_offline', 'no_match', 'outside_ranges']),
              status: Type.Integer({ description: 'The Claro SMV status of the result: 200, 202, 404 or 418' }),
            }),
            ...problems(),
          },
        },
      },
      async (req) => {
        const at = req.body.timestamp ? Date.parse(req.body.timestamp) : undefined;
        const { outcome } = await engine.lookup({ msisdn: req.body.msisdn, ip: req.body.ip, port: req.body.port, at, accountId: principalOf(req).accountId });
        return { result: outcome, status: OUTCOME_STATUS[outcome] };
      },
    );
  };
}
