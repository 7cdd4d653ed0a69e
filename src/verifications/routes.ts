import { Readable } from 'node:stream';
import type { EventLog } from '../events/event-log.js';
import { Type } from 'typebox';
import { IdParam, problems } from '../http/schemas.js';
import { principalOf, type App } from '../http/types.js';
import type { IdempotencyService } from '../idempotency/idempotency-service.js';
import { CheckBody, CheckResponse, ExportQuery, ListQuery, ListResponse, METADATA_FILTER, ResendBody, StartBody, TimelineResponse, Verification } from './schemas.js';
import type { VerificationSearch } from './verification-search.js';
import type { VerificationService } from './verification-service.js';

const Params = IdParam('ver');
const IdempotencyHeader = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' })),
});

/** The `metadata.<key>=<value>` filters of a query string. */
function metadataFilters(query: object): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(query)) {
    const key = METADATA_FILTER.exec(k)?.[1];
    if (key && typeof v === 'string') out.push([key, v]);
  }
  return out;
}

export function verificationRoutes(verifications: VerificationService, search: VerificationSearch, log: Pick<EventLog, 'timeline'>, idempotency: IdempotencyService) {
  return async function routes(app: App): Promise<void> {
    app.post(
      '/v1/verifications',
      {
        schema: {
          tags: ['verifications'],
          summary: 'Start a verification: send a code to a phone number or email address',
          headers: IdempotencyHeader,
          body: StartBody,
          response: {
            201: Verification,
            ...problems('INVALID_PHONE_NUMBER', 'SERVICE_NOT_FOUND', 'INSUFFICIENT_BALANCE', 'IDEMPOTENCY_IN_PROGRESS', 'RATE_LIMITED', 'IDEMPOTENCY_KEY_REUSED'),
          },
        },
      },
      async (req, reply) => {
        const p = principalOf(req);
        const b = req.body;
        const run = async () => {
          const v = await verifications.start(
            { accountId: p.accountId, ip: req.ip },
            {
              to: b.to,
              channel: b.channel,
              workflow: b.workflow,
              service: b.service,
              locale: b.locale,
              codeLength: b.code_length,
              code: b.code,
              template: b.template,
              sender: b.sender,
              metadata: b.metadata,
              ivr: b.ivr,
              device: b.device && { ip: b.device.ip, port: b.device.port, at: b.device.timestamp === undefined ? undefined : Date.parse(b.device.timestamp) },
            },
          );
          return { statusCode: 201, body: v };
        };
        const key = req.headers['idempotency-key'];
        const result = key ? await idempotency.run(p.accountId, key, b, run) : { ...(await run()), replayed: false };
        if (result.replayed) reply.header('idempotent-replayed', 'true');
        return reply.code(result.statusCode as 201).send(result.body as never);
      },
    );

    app.get(
      '/v1/verifications',
      {
        schema: {
          tags: ['verifications'],
          summary: 'List and search verifications, newest first, a page at a time',
          querystring: ListQuery,
          response: { 200: ListResponse, ...problems('FORBIDDEN') },
        },
      },
      async (req) => {
        const q = req.query;
        return search.list(principalOf(req), { ...q, limit: q.limit === undefined ? undefined : Number(q.limit), metadata: metadataFilters(q) });
      },
    );

    app.get(
      '/v1/verifications/export',
      {
        schema: {
          tags: ['verifications'],
          summary: 'Export the verifications the filters match as CSV, streamed (the same filters as the list)',
          querystring: ExportQuery,
          response: { 200: { description: 'CSV (RFC 4180) with a header row', content: { 'text/csv': { schema: {} } } }, ...problems('FORBIDDEN') },
        },
      },
      async (req, reply) => {
        const rows = search.exportCsv(principalOf(req), { ...req.query, metadata: metadataFilters(req.query) });
        reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="verifications.csv"');
        return reply.send(Readable.from(rows));
      },
    );

    app.get(
      '/v1/verifications/:id',
      {
        schema: {
          tags: ['verifications'],
          summary: 'Read a verification',
          params: Params,
          response: { 200: Verification, ...problems('VERIFICATION_NOT_FOUND') },
        },
      },
      async (req) => verifications.get(principalOf(req).accountId, req.params.id),
    );

    app.get(
      '/v1/verifications/:id/events',
      {
        schema: {
          tags: ['verifications'],
          summary: 'The timeline of a verification: start, messages and each provider attempt, receipts, checks, resends, steps, its end',
          params: Params,
          response: { 200: TimelineResponse, ...problems('VERIFICATION_NOT_FOUND') },
        },
      },
      async (req) => {
        await verifications.get(principalOf(req).accountId, req.params.id);
        return { events: await log.timeline(req.params.id) };
      },
    );

    app.post(
      '/v1/verifications/:id/check',
      {
        schema: {
          tags: ['verifications'],
          summary: 'Check a code; a wrong code answers 200 with valid=false and counts an attempt',
          params: Params,
          body: CheckBody,
          response: { 200: CheckResponse, ...problems('VERIFICATION_NOT_FOUND', 'VERIFICATION_APPROVED', 'GUESS_LIMIT_REACHED') },
        },
      },
      async (req) => {
        const p = principalOf(req);
        return verifications.check({ accountId: p.accountId, ip: req.ip }, req.params.id, req.body.code);
      },
    );

    app.post(
      '/v1/verifications/:id/resend',
      {
        schema: {
          tags: ['verifications'],
          summary: 'Send the same code again, optionally on another channel',
          params: Params,
          body: Type.Optional(ResendBody),
          response: { 200: Verification, ...problems('VERIFICATION_NOT_FOUND', 'MAX_SENDS_REACHED', 'RESEND_COOLDOWN', 'INSUFFICIENT_BALANCE') },
        },
      },
      async (req) => {
        const p = principalOf(req);
        return verifications.resend({ accountId: p.accountId, ip: req.ip }, req.params.id, req.body?.channel);
      },
    );

    app.post(
      '/v1/verifications/:id/cancel',
      {
        schema: {
          tags: ['verifications'],
          summary: 'Cancel a pending verification',
          params: Params,
          response: { 200: Verification, ...problems('VERIFICATION_NOT_FOUND', 'VERIFICATION_APPROVED') },
        },
      },
      async (req) => verifications.cancel(principalOf(req).accountId, req.params.id),
    );
  };
}
