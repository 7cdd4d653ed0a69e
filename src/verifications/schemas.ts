import { Type } from 'typebox';
import { ChannelSchema, NullableString, Timestamp, WorkflowSchema } from '../http/schemas.js';
import { TIMELINE_TYPES } from '../events/event-log.js';
import { ID_CHARS } from '../lib/ids.js';
import { CHECK_EXAMPLE, CHECK_RESPONSE_EXAMPLE, LIST_EXAMPLE, RESEND_EXAMPLE, START_EXAMPLE, TIMELINE_EXAMPLE, VERIFICATION_EXAMPLE } from './examples.js';
import { FAILURE_REASONS } from './failure-reason.js';
import { VERIFICATION_STATUSES } from './view.js';

const SoundId = Type.String({ pattern: '^snd_[0-9A-Za-z]{1,40}$', description: 'An uploaded sound (POST /v1/sounds)' });
const promptText = (description: string) => Type.String({ minLength: 1, maxLength: 500, description });

export const IvrSchema = Type.Object(
  {
    greeting_sound: Type.Optional(SoundId),
    greeting_text: Type.Optional(promptText('Spoken while waiting for the key; default: the built-in text in the verification’s locale')),
    confirm_sound: Type.Optional(SoundId),
    confirm_text: Type.Optional(promptText('Spoken after 1')),
    fallback_sound: Type.Optional(SoundId),
    fallback_text: Type.Optional(promptText('Spoken after any other key')),
  },
  { additionalProperties: false, description: 'IVR prompts: a sound, or text for the provider’s speech (a sound wins when both are given)' },
);

export const DeviceSchema = Type.Object(
  {
    ip: Type.String({ minLength: 2, maxLength: 64, description: 'The public IP address the device’s app sees on mobile data' }),
    port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, description: 'The public source port (behind CGNAT)' })),
    timestamp: Type.Optional(Type.String({ format: 'date-time', description: 'When the device had that address; default now' })),
  },
  { additionalProperties: false, description: 'Silent verification: where the device is on its mobile network' },
);

export const StartBody = Type.Object(
  {
    to: Type.String({ minLength: 3, maxLength: 254, description: 'E.164 phone number (+5511987654321) or email address' }),
    channel: Type.Optional(ChannelSchema),
    workflow: Type.Optional(WorkflowSchema),
    service: Type.Optional(Type.String({ maxLength: 64, description: 'Service id whose settings apply' })),
    locale: Type.Optional(Type.String({ maxLength: 35, description: 'BCP 47 language tag: en, pt-BR, es, ru, id' })),
    code_length: Type.Optional(Type.Integer({ minimum: 4, maximum: 10 })),
    code: Type.Optional(Type.String({ pattern: '^[0-9]{4,10}$', description: 'Use this code instead of generating one' })),
    template: Type.Optional(Type.String({ maxLength: 64, description: 'Template id' })),
    sender: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    metadata: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { maxProperties: 20, propertyNames: { maxLength: 64 }, description: 'Up to 20 keys of at most 64 characters, returned as given' }),
    ),
    ivr: Type.Optional(IvrSchema),
    device: Type.Optional(DeviceSchema),
  },
  { additionalProperties: false, examples: [START_EXAMPLE] },
);

export const Verification = Type.Object(
  {
    id: Type.String(),
    service_id: NullableString(Type.String()),
    to: Type.String(),
    channel: Type.String(),
    status: Type.Enum([...VERIFICATION_STATUSES]),
    locale: Type.String(),
    country: NullableString(Type.String()),
    line_type: Type.String(),
    attempts: Type.Integer(),
    max_attempts: Type.Integer(),
    sends: Type.Integer(),
    max_sends: Type.Integer(),
    next_send_at: NullableString(Timestamp),
    expires_at: Timestamp,
    created_at: Timestamp,
    updated_at: Timestamp,
    metadata: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    call_to: NullableString(Type.String(), { description: 'reverse_call: the number the user must call (or called) from the number being verified' }),
    redirect_url: NullableString(Type.String(), { description: 'silent: the URL the device must open over mobile data, when its operator asks for it' }),
    failure_reason: Type.Union([Type.Enum([...FAILURE_REASONS]), Type.Null()], {
      description:
        'Why it ended without approval; null while pending or approved. max_attempts, guess_limit (the destination’s guess budget), expired, canceled, ' +
        'undeliverable (a receipt said it cannot arrive), provider_rejected (no provider took it), no_answer (a call rang out, was busy or declined), ' +
        'call_failed, ivr_no_key, ivr_declined (a key other than 1), silent_no_match, silent_outside_ranges, silent_error (the operator could not be asked)',
    }),
    failure_provider_error: NullableString(Type.String(), {
      description: 'For a delivery failure: the provider’s error code as the attempt log recorded it (an SMPP or vendor code), when it gave one',
    }),
  },
  { $id: 'Verification', examples: [VERIFICATION_EXAMPLE] },
);

export const CheckBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 64, description: '4–10 digits; for a flash call, the caller id as the app read it may be sent whole' }) },
  { additionalProperties: false, examples: [CHECK_EXAMPLE] },
);

export const CheckResponse = Type.Object(
  {
    ...Verification.properties,
    valid: Type.Boolean({ description: 'Whether the code was right' }),
  },
  { examples: [CHECK_RESPONSE_EXAMPLE] },
);

export const ResendBody = Type.Object({ channel: Type.Optional(ChannelSchema) }, { additionalProperties: false, examples: [RESEND_EXAMPLE] });

const ID = (prefix: string) => Type.String({ pattern: `^${prefix}_[${ID_CHARS}]{8,40}$`, maxLength: 64 });
/** `metadata.<key>`: a flat metadata key, letters, digits, `_` and `-`. */
export const METADATA_FILTER = /^metadata\.([A-Za-z0-9_-]{1,64})$/;

const FILTERS = {
  account: Type.Optional(ID('acc')),
  status: Type.Optional(Type.Enum([...VERIFICATION_STATUSES], { description: 'As a reader sees it: a pending verification past its expiry is expired' })),
  channel: Type.Optional(ChannelSchema),
  service: Type.Optional(ID('svc')),
  country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166 alpha-2, of the destination' })),
  to: Type.Optional(Type.String({ minLength: 3, maxLength: 254, description: 'A phone number in any common writing (+55 11 98765-4321, 5511987654321) or an email address' })),
  created_from: Type.Optional(Type.String({ maxLength: 40, description: 'Created at or after this date-time (ISO 8601)' })),
  created_to: Type.Optional(Type.String({ maxLength: 40, description: 'Created before this date-time (ISO 8601)' })),
  order: Type.Optional(Type.Enum(['desc', 'asc'], { description: 'By creation time; newest first by default' })),
};
const FILTER_OPTIONS = {
  additionalProperties: false,
  patternProperties: { [METADATA_FILTER.source]: Type.String({ maxLength: 200, description: 'metadata.<key>=<value>: flat metadata equal to the value' }) },
  maxProperties: 20,
};

export const ListQuery = Type.Object(
  {
    ...FILTERS,
    limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]?|1[0-9][0-9]|200)$', description: '1 to 200, default 50' })),
    cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$', description: 'next_cursor of the previous page' })),
  },
  FILTER_OPTIONS,
);

export const ExportQuery = Type.Object({ ...FILTERS, format: Type.Optional(Type.Enum(['csv'], { description: 'csv (the default and, for now, the only one)' })) }, FILTER_OPTIONS);

export const ListResponse = Type.Object(
  {
    verifications: Type.Array(Verification),
    next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass it as cursor for the next page; null on the last one' }),
  },
  { examples: [LIST_EXAMPLE] },
);

export const TimelineResponse = Type.Object(
  {
    events: Type.Array(
      Type.Object({
        at: Timestamp,
        type: Type.Enum([...TIMELINE_TYPES]),
        data: Type.Record(Type.String(), Type.Unknown(), { description: 'What happened: channel, step, provider, attempt, result, error code, reason… never a code or a full phone number' }),
      }),
    ),
  },
  { examples: [TIMELINE_EXAMPLE] },
);
