import type { Client } from 'openapi-fetch';
import { VerityError } from './errors.js';
import type { paths } from './generated/openapi.js';
import type { Channel, CheckResult, ListFilters, StartBody, StartedVerification, TimelineEvent, Verification, VerificationPage } from './types.js';

/** openapi-fetch's answer: `data` on success, `error` (the parsed body) otherwise. */
function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (!result.response.ok || result.data === undefined) throw VerityError.fromResponse(result.response, result.error);
  return result.data;
}

/** Every verification the filters match, a page at a time as the server pages them. */
export interface VerificationList extends AsyncIterable<Verification> {
  /** The pages themselves, each with its `next_cursor`. */
  pages(): AsyncIterableIterator<VerificationPage>;
}

export interface StartOptions {
  /** Sent as `Idempotency-Key`: the same key and body within 24 h answer the first start again, and make the start safe to retry. */
  idempotencyKey?: string;
}

function listQuery({ metadata, limit, ...filters }: ListFilters, cursor: string | undefined) {
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(filters)) if (v !== undefined) query[k] = String(v);
  for (const [k, v] of Object.entries(metadata ?? {})) query[`metadata.${k}`] = String(v);
  if (limit !== undefined) query.limit = String(limit);
  if (cursor !== undefined) query.cursor = cursor;
  return query;
}

export function verificationsApi(api: Client<paths>) {
  const path = (id: string) => ({ params: { path: { id } } });

  async function* pages(filters: ListFilters): AsyncIterableIterator<VerificationPage> {
    let cursor: string | undefined;
    do {
      const page = unwrap(await api.GET('/v1/verifications', { params: { query: listQuery(filters, cursor) } }));
      yield page;
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
  }

  return {
    /** Start a verification; a retry of a start is only safe with `idempotencyKey`. */
    async start(body: StartBody, options: StartOptions = {}): Promise<StartedVerification> {
      const header = options.idempotencyKey === undefined ? undefined : { 'idempotency-key': options.idempotencyKey };
      return unwrap(await api.POST('/v1/verifications', { body, params: { header } }));
    },

    async get(id: string): Promise<Verification> {
      return unwrap(await api.GET('/v1/verifications/{id}', path(id)));
    },

    /** Check a code: a wrong one answers `valid: false` and counts an attempt; a finished verification throws its own code. */
    async check(id: string, code: string): Promise<CheckResult> {
      return unwrap(await api.POST('/v1/verifications/{id}/check', { ...path(id), body: { code } }));
    },

    /** Send the same code again, on `channel` when given (a later workflow step's channel jumps to it). */
    async resend(id: string, options: { channel?: Channel } = {}): Promise<Verification> {
      return unwrap(await api.POST('/v1/verifications/{id}/resend', { ...path(id), body: options.channel === undefined ? {} : { channel: options.channel } }));
    },

    async cancel(id: string): Promise<Verification> {
      return unwrap(await api.POST('/v1/verifications/{id}/cancel', path(id)));
    },

    /** Every matching verification, newest first unless `order: 'asc'`; pages are fetched as the loop reaches them. */
    list(filters: ListFilters = {}): VerificationList {
      return {
        pages: () => pages(filters),
        async *[Symbol.asyncIterator]() {
          for await (const page of pages(filters)) yield* page.verifications;
        },
      };
    },

    /** The timeline, oldest first: start, messages and provider attempts, receipts, checks, resends, how it ended. */
    async events(id: string): Promise<TimelineEvent[]> {
      return unwrap(await api.GET('/v1/verifications/{id}/events', path(id))).events;
    },
  };
}

export type VerificationsApi = ReturnType<typeof verificationsApi>;
