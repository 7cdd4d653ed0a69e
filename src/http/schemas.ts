import { Type, type Static, type TSchema } from 'typebox';
import { ERROR_CODES, type ErrorCode } from '../errors/index.js';
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
