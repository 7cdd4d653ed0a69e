import { TAG } from '../http/reference.js';
import { Readable } from 'node:stream';
import type { EventLog } from '../events/event-log.js';
import { Type } from 'typebox';
import { IdParam, problems } from '../http/schemas.js';
import { principalOf, type App } from '../http/types.js';
import type { IdempotencyService } from '../idempotency/idempotency-service.js';
import { CSV_EXAMPLE } from './examples.js';
import { CheckBody, CheckResponse, ExportQuery, ListQuery, ListResponse, METADATA_FILTER, ResendBody, StartBody, TimelineResponse, Verification } from './schemas.js';
import type { VerificationSearch } from './verification-search.js';
import type { VerificationService } from './verification-service.js';

const Params = IdParam('ver');
const IdempotencyHeader = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7e]+$',
      description: 'A retry with the same key and body gets the first answer back (with `Idempotent-Replayed: true`) instead of a second start',
      examples: ['login-usr_8842-2026-05-04T10:15'],
    }),
  ),
});

/** What a start and a resend can be refused for before or while the message is handed over. */
const SEND_PROBLEMS = [
  'CHANNEL_MISMATCH',
  'CHANNEL_NOT_ALLOWED',
  'COUNTRY_NOT_ALLOWED',
  'FRAUD_SUSPECTED',
  'INSUFFICIENT_BALANCE',
  'NO_PROVIDER',
  'DESTINATION_RATE_LIMITED',
  'SPEND_CAP_REACHED',
] as const;
/** The state a verification that can no longer be acted on answers with. */
const FINISHED_PROBLEMS = ['VERIFICATION_APPROVED', 'VERIFICATION_CANCELED', 'VERIFICATION_EXPIRED', 'VERIFICATION_FAILED', 'VERIFICATION_BLOCKED', 'MAX_ATTEMPTS_REACHED'] as const;

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
          tags: [TAG.verifications],
          summary: 'Start a verification: send a code to a phone number or email address',
          description:
            'Give `channel` or `workflow` (or neither, when the service has a default workflow). The destination is screened (safe list, geo permissions, pumping rules) ' +
            'before anything is sent or charged; a start the pumping rules refuse is kept as a `blocked` verification. A first send the provider reports undeliverable still answers 201: on the workflow’s next step, or with `status` failed.',
          headers: IdempotencyHeader,
          body: StartBody,
          response: {
            201: Verification,
            ...problems(
              'INVALID_PHONE_NUMBER',
              'NOT_A_MOBILE_NUMBER',
              'INVALID_EMAIL',
              'INVALID_CODE_FORMAT',
              'INVALID_TEMPLATE',
              'SERVICE_NOT_FOUND',
              'TEMPLATE_NOT_FOUND',
              'SOUND_NOT_FOUND',
              'NO_POOL_NUMBER',
              'RATE_LIMITED',
              'IDEMPOTENCY_IN_PROGRESS',
              'IDEMPOTENCY_KEY_REUSED',
              ...SEND_PROBLEMS,
            ),
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
          tags: [TAG.verifications],
          summary: 'List and search verifications, newest first, a page at a time',
          description: 'Filters combine with AND; `metadata.<key>=<value>` matches flat metadata. Only an operator key may name another `account`.',
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
          tags: [TAG.verifications],
          summary: 'Export the verifications the filters match as CSV, streamed (the same filters as the list)',
          description: "One row per verification, with a header row; metadata is a JSON cell. Cells that a spreadsheet would run as a formula are prefixed with `'`.",
          querystring: ExportQuery,
          response: { 200: { description: 'CSV (RFC 4180) with a header row', content: { 'text/csv': { schema: {}, example: CSV_EXAMPLE } } }, ...problems('FORBIDDEN') },
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
          tags: [TAG.verifications],
          summary: 'Read a verification',
          description: 'A pending verification past its expiry reads as `expired`.',
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
          tags: [TAG.verifications],
          summary: 'The timeline of a verification: start, messages and each provider attempt, receipts, checks, resends, steps, its end',
          description: 'Oldest first. No event holds the code or a full phone number; a check shows the caller’s network with its last part masked.',
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
          tags: [TAG.verifications],
          summary: 'Check a code; a wrong code answers 200 with valid=false and counts an attempt',
          description:
            'The wrong code that uses up the attempts (or the destination’s guess budget) answers 200 with valid=false and ends the verification; a check after that answers the problem of its state.',
          params: Params,
          body: CheckBody,
          response: { 200: CheckResponse, ...problems('INVALID_CODE_FORMAT', 'VERIFICATION_NOT_FOUND', ...FINISHED_PROBLEMS, 'GUESS_LIMIT_REACHED') },
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
          tags: [TAG.verifications],
          summary: 'Send the same code again, optionally on another channel',
          description:
            'Waits `next_send_at` between sends and allows `max_sends` in all. A resend on a later step’s channel moves the workflow to that step; reverse_call and silent have nothing to send again.',
          params: Params,
          body: Type.Optional(ResendBody),
          response: { 200: Verification, ...problems('VERIFICATION_NOT_FOUND', ...FINISHED_PROBLEMS, 'MAX_SENDS_REACHED', 'RESEND_COOLDOWN', ...SEND_PROBLEMS) },
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
          tags: [TAG.verifications],
          summary: 'Cancel a pending verification',
          description: 'Its code can no longer be checked; a verification that already ended answers the problem of its state.',
          params: Params,
          response: { 200: Verification, ...problems('VERIFICATION_NOT_FOUND', ...FINISHED_PROBLEMS) },
        },
      },
      async (req) => verifications.cancel(principalOf(req).accountId, req.params.id),
    );
  };
}
