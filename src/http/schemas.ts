import { Type, type Static, type TSchema } from 'typebox';
import { ERROR_CODES, type ErrorCode } from '../errors/index.js';
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

/** Response schemas for the error statuses a route can answer, all as problem+json. */
export function problems(...codes: ErrorCode[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const c of ['VALIDATION_FAILED', 'UNAUTHORIZED', ...codes] as ErrorCode[]) {
    const status = ERROR_CODES[c].status;
    out[status] = Type.Ref('Problem', { description: 'Problem details' });
  }
  out[500] = Type.Ref('Problem');
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
