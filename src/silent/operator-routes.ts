import { TAG } from '../http/reference.js';
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
const CGNAT_TYPES = ['application/x-ndjson', 'application/jsonl', 'text/plain'];

/** An operator's own network data: ranges, CGNAT port blocks in bulk, and lookups over it. */
export function operatorRoutes(store: OperatorStore, engine: SilentEngine, clock: Clock) {
  return async function routes(app: App): Promise<void> {
    const tags = [TAG.operator];
    const Ranges = Type.Object(
      { ranges: Type.Array(Type.String({ maxLength: 64, description: 'A CIDR block, IPv4 or IPv6' }), { maxItems: 10_000 }) },
      { additionalProperties: false, examples: [{ ranges: ['198.51.100.0/24', '2001:db8:100::/40'] }] },
    );

    app.get('/v1/operator/ranges', { schema: { tags, summary: 'This operator’s public IP ranges (CIDR)', response: { 200: Ranges, ...problems() } } }, async (req) => ({
      ranges: await store.ranges(principalOf(req).accountId),
    }));

    const put = {
      tags,
      summary: 'Replace this operator’s public IP ranges',
      description: 'Silent verification asks this operator’s data about a device only when its address is in one of these ranges. Blocks are stored in canonical form.',
      body: Ranges,
      response: { 200: Ranges, ...problems('INVALID_CIDR') },
    };
    app.put('/v1/operator/ranges', { schema: put }, async (req) => {
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
      bulk.addContentTypeParser(CGNAT_TYPES, { parseAs: 'string', bodyLimit: CGNAT_BODY_LIMIT }, (_req, body, done) => done(null, body));
      bulk.post(
        '/v1/operator/cgnat',
        {
          schema: {
            tags,
            summary: 'Ingest CGNAT port-block mappings in bulk (JSON lines)',
            description: 'One object per line: {"private_ip", "public_ip", "port_start", "port_end", "start", "end"?}; times ISO 8601 or epoch seconds. Bad lines are reported and skipped.',
            consumes: CGNAT_TYPES,
            // Text read line by line in the handler; the schema only describes it.
            body: Type.Unknown({
              description: 'JSON lines, one port-block mapping a line',
              examples: [
                '{"private_ip":"100.64.12.34","public_ip":"198.51.100.7","port_start":20480,"port_end":20991,"start":"2026-05-04T09:00:00Z"}\n' +
                  '{"private_ip":"100.64.12.35","public_ip":"198.51.100.7","port_start":20992,"port_end":21503,"start":1777885200,"end":1777892400}\n' +
                  '{"private_ip":"100.64.12.36","public_ip":"198.51.100.7","port_st\n',
              ],
            }),
            response: {
              200: Type.Object(
                {
                  ingested: Type.Integer(),
                  rejected: Type.Integer(),
                  errors: Type.Array(Type.Object({ line: Type.Integer(), error: Type.String() }), { description: 'The first 20 rejected lines (1-based), each with why' }),
                },
                { examples: [{ ingested: 2, rejected: 1, errors: [{ line: 3, error: 'not a JSON object' }] }] },
              ),
              ...problems('UNSUPPORTED_MEDIA_TYPE', 'BODY_TOO_LARGE'),
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
            { additionalProperties: false, examples: [{ msisdn: '+14155550100', ip: '198.51.100.7', port: 20500, timestamp: '2026-05-04T10:15:00.000Z' }] },
          ),
          response: {
            200: Type.Object(
              {
                result: Type.Enum(['verified_online', 'verified_offline', 'no_match', 'outside_ranges'], {
                  description:
                    'verified_online: the number holds the address now; verified_offline: it held it then, in a session since ended; no_match: another number did; outside_ranges: not this operator’s address',
                }),
                status: Type.Integer({ description: 'The Claro SMV status of the result: 200, 202, 404 or 418' }),
              },
              { examples: [{ result: 'verified_online', status: 200 }] },
            ),
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
