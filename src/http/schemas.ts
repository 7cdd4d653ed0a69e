import { Type, type Static, type TSchema } from 'typebox';
import { ERROR_CODES, type ErrorCode, problemType } from '../errors/index.js';
import { CHANNELS } from '../kernel/channel.js';
import { ID_CHARS } from '../lib/ids.js';

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable UPPER_SNAKE error code' }),
    detail: Type.String(),
    request_id: Type.String(),
  },
  { additionalProperties: true, $id: 'Problem', description: 'RFC 9457 problem details' },
);

/** A problem as the API answers it, for the reference's examples. */
function problemExample(code: ErrorCode): Record<string, unknown> {
  const { status, title } = ERROR_CODES[code];
  return { type: problemType(code), title, status, code, detail: `${title}.`, request_id: 'req-2b' };
}

/**
 * Response schemas for the error statuses a route can answer, all as problem+json: each status
 * lists its codes (with those every authenticated route can answer: VALIDATION_FAILED,
 * UNAUTHORIZED, INVALID_CREDENTIALS and INTERNAL_ERROR) and carries an example of each, so the
 * reference shows them per operation.
 */
export function problems(...codes: ErrorCode[]): Record<number, TSchema> {
  return problemResponses(['VALIDATION_FAILED', 'UNAUTHORIZED', 'INVALID_CREDENTIALS', ...codes]);
}

/** As problems(), for a route that takes no Verity credentials (a vendor's callback, a signed URL). */
export function publicProblems(...codes: ErrorCode[]): Record<number, TSchema> {
  return problemResponses(['VALIDATION_FAILED', ...codes]);
}

function problemResponses(codes: ErrorCode[]): Record<number, TSchema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const c of new Set<ErrorCode>([...codes, 'INTERNAL_ERROR'])) {
    const status = ERROR_CODES[c].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), c]);
  }
  const out: Record<number, TSchema> = {};
  for (const [status, list] of byStatus) {
    out[status] = Type.Unsafe({
      description: list.map((c) => `\`${c}\`: ${ERROR_CODES[c].title}`).join('. '),
      content: {
        'application/problem+json': {
          schema: Type.Ref('Problem'),
          examples: Object.fromEntries(list.map((c) => [c, { summary: ERROR_CODES[c].title, value: problemExample(c) }])),
        },
      },
    });
  }
  return out;
}

export const IdParam = (prefix: string) => Type.Object({ id: Type.String({ pattern: `^${prefix}_[${ID_CHARS}]{8,40}$`, maxLength: 64 }) });

export const Timestamp = Type.String({ format: 'date-time' });

/**
 * A string or null, as `type: ["string", "null"]`. A response serializer settles this with a
 * type test; the equivalent anyOf costs a schema validation (a date-time regex, for a timestamp)
 * per field on every response.
 */
export const NullableString = <T extends TSchema & { type: 'string' }>(schema: T, options: { description?: string } = {}) =>
  Type.Unsafe<Static<T> | null>({ ...schema, ...options, type: ['string', 'null'] });

export const ChannelSchema = Type.Enum([...CHANNELS], {
  description:
    'sms, whatsapp, rcs, email: a code in a message; voice: a call that reads the code; ivr: a call that asks to press 1; flash_call: a missed call whose caller id ends in the code; reverse_call: the user calls a number Verity gives; silent: the mobile network confirms the device',
});

export const WorkflowSchema = Type.Array(
  Type.Object(
    {
      channel: ChannelSchema,
      timeout_s: Type.Optional(Type.Integer({ minimum: 5, maximum: 3600, description: 'Move to the next step when not approved within this time' })),
    },
    { additionalProperties: false },
  ),
  { minItems: 1, maxItems: 5, description: 'Channels tried in order, with the same code: a step that fails or times out starts the next' },
);
