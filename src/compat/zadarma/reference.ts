import type { FastifySchema } from 'fastify';
import { describedOnly, TAG } from '../../http/reference.js';

// What the API reference shows of Zadarma's routes. The routes read the signed request and answer
// Zadarma's envelope by hand, so these schemas describe them and never validate or serialize.

type Method = 'GET' | 'POST' | 'DELETE';
type Param = Record<string, unknown>;
type Example = { summary: string; value: unknown };

/** The spelling of a path the reference shows, and what it says of each method the path serves. */
export interface ZadarmaRouteDoc {
  url: string;
  methods: Partial<Record<string, ReturnType<typeof describedOnly>>>;
}

const AUTH = [
  "Authenticate as Zadarma's SDKs do, not with a Verity API key: `Authorization: <key>:<signature>`, with no scheme word. The signature is base64 of the lowercase hex HMAC-SHA1, keyed with the secret, of the method path as sent + the params sorted by name and form-encoded (`format` included when sent) + the hex MD5 of those params. The path is signed as received: each path is also served with or without its trailing slash, and the two spellings sign differently. Zadarma's own vector: with the secret `secret_code_from_user_panel`, `/v1/verify/` with `channel=sms&format=json&to=%2B35193999999` signs to `MzI3YzBmNTYxYWIxYWYyZWYwZmFlYmNkZGIyYWZiMjlmNDAzNmFhZQ==`.",
  'Key and secret (20 characters each) come from `POST /v1/compat/credentials` with `{"vendor": "zadarma"}`. Each key may make COMPAT_ZADARMA `rateLimitPerMin` requests a minute (default 100, as Zadarma documents); the `X-RateLimit-*` headers tell where it stands.',
  'Business errors answer HTTP 200 with `{"status": "error", "message": …}`, as Zadarma does; a bad signature is 401, the rate limit 429, a request that cannot be read 400 (413, 415), another method on the path 404 `Wrong request method`.',
].join('\n\n');

const GET_PARAMS = 'GET sends the params in the query string.';
const formParams = (method: Method) =>
  `${method} sends the params as an \`application/x-www-form-urlencoded\` body, as the SDKs do (a missing content type is read as a form too); without a body, the query string is read instead.`;

const str = (description: string, extra: Param = {}): Param => ({ type: 'string', description, ...extra });
const FORMAT = str('`json`, which the SDKs add and sign; `xml` is answered in JSON too', { enum: ['json', 'xml'] });

const Envelope = (properties: Param, required: string[] = []) => ({ type: 'object', required: ['status', ...required], properties: { status: { type: 'string', enum: ['success'] }, ...properties } });
const ZError = { type: 'object', required: ['status', 'message'], properties: { status: { type: 'string', enum: ['error'] }, message: { type: 'string' } } };
const error = (message: string) => ({ status: 'error', message });

const examplesOf = (list: Record<string, Example>) => ({ examples: list });
const RATE_HEADERS = {
  'x-ratelimit-limit': { type: 'integer', description: 'Requests a key may make a minute (absent when the limit is off)' },
  'x-ratelimit-remaining': { type: 'integer', description: 'Requests left in this minute' },
  'x-ratelimit-reset': { type: 'integer', description: 'Seconds until the minute starts again' },
};

/** 200: the method's success, or a business error in the same status, as Zadarma answers both. */
function ok(description: string, success: Param, examples: Record<string, Example>) {
  return { description, headers: RATE_HEADERS, content: { 'application/json': { schema: { anyOf: [success, ZError] }, ...examplesOf(examples) } } };
}
const refusal = (description: string, examples: Record<string, Example>, headers?: Param) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: ZError, ...examplesOf(examples) } },
});

const COMMON_ERRORS = {
  400: refusal('The request could not be read (a malformed body; 413 too large, 415 an unsupported content type)', {
    bad_request: { summary: 'Unreadable request', value: error('Bad request') },
  }),
  401: refusal('No key, an unknown key or a wrong signature', { not_authorized: { summary: 'Bad signature', value: error('Not authorized') } }),
  429: refusal(
    'The key made more requests this minute than allowed',
    { rate_limited: { summary: 'Rate limit', value: error('Rate limit exceeded') } },
    { 'retry-after': { type: 'integer', description: 'Seconds until the minute starts again' } },
  ),
  500: refusal('A fault of the server', { internal: { summary: 'Server fault', value: error('Internal error') } }),
};

interface Operation {
  summary: string;
  description: string;
  params: Record<string, Param>;
  required: string[];
  /** Request examples: the first fills the query parameters of a GET. */
  examples: Array<Record<string, string>>;
  ok: ReturnType<typeof ok>;
  /** How the body is sent (POST and DELETE); form-encoded unless said. */
  consumes?: string;
}

function operation(method: Method, o: Operation): ReturnType<typeof describedOnly> {
  const how = method === 'GET' ? GET_PARAMS : o.consumes ? '' : formParams(method);
  const schema: FastifySchema = {
    tags: [TAG.zadarma],
    summary: o.summary,
    description: [o.description, how, AUTH].filter(Boolean).join('\n\n'),
    security: [],
    response: { 200: o.ok, ...COMMON_ERRORS },
  };
  if (method === 'GET') {
    const first = o.examples[0] ?? {};
    const properties = Object.fromEntries(Object.entries(o.params).map(([k, p]) => [k, k in first ? { ...p, examples: [first[k]] } : p]));
    schema.querystring = { type: 'object', required: o.required, properties };
  } else {
    schema.consumes = [o.consumes ?? 'application/x-www-form-urlencoded'];
    schema.body = { type: 'object', required: o.required, properties: o.params, examples: o.examples };
  }
  return describedOnly(schema);
}

const SOUND = str('A sound id from `/v1/pbx/ivr/sounds/list` (`snd_…`)', { pattern: '^snd_[0-9A-Za-z]{1,40}$' });
const REQUEST_ID = 'QUFsR010Skg4MHczcm5QeGRXYXNuV2s9';
const SOUND_ID = 'snd_0oB7D5g46EE4ANgkbqy0FF';

const START: Operation = {
  summary: 'Start a verification',
  description: [
    'Sends a code by `sms`, reads it aloud in a call (`call_code`) or sends it by `email`, answering the `request_id` to check it with; or calls and asks the callee to press 1 (`call_button`), answering no request_id: the result is POSTed as a Zadarma notification (`NOTIFY_END` unless COMPAT_ZADARMA `notifyEvent` says `NOTIFY_OUT_END`) to the credential’s `notify_url` setting (its `notify_event` setting may choose the event too).',
    'A request can be checked for 10 minutes. Params a channel does not use are ignored.',
  ].join('\n\n'),
  params: {
    channel: str('How the code goes', { enum: ['sms', 'call_code', 'call_button', 'email'] }),
    to: str('Phone number (with `+`, `00` or bare digits) or, for `email`, the address'),
    code: str('The code to send, digits (sms, call_code, email); generated when absent', { pattern: '^[0-9]{1,10}$' }),
    language: str('Language of the message (sms, call_code, email); de, pl, ua and fr get the service’s default', { enum: ['en', 'es', 'de', 'pl', 'ru', 'ua', 'fr'] }),
    template_id: str('SMS template: a Verity template id (`tpl_…`), or a number the credential maps with its `template_<n>` setting'),
    caller_id: str('SMS sender id', { maxLength: 64 }),
    from: str('Caller id (call_code, call_button) or sender address (email)', { maxLength: 64 }),
    email_subject: str('Subject of the email', { maxLength: 200 }),
    email_body: str('Body of the email; must hold `{#code#}` where the code goes (without it, the credential’s `email_template` or the built-in email)'),
    greeting_sound_id: { ...SOUND, description: 'call_button, required: played when the call is answered' },
    button_1_sound_id: { ...SOUND, description: 'call_button, required: played after the callee presses 1' },
    fallback_sound_id: { ...SOUND, description: 'call_button, required: played on any other key or none' },
    format: FORMAT,
  },
  required: ['channel', 'to'],
  examples: [
    { channel: 'sms', to: '+447700900123', format: 'json' },
    { channel: 'email', to: 'user@example.com', email_subject: 'Your code', email_body: 'Code: {#code#}', format: 'json' },
    { channel: 'call_button', to: '+447700900124', greeting_sound_id: SOUND_ID, button_1_sound_id: SOUND_ID, fallback_sound_id: SOUND_ID, format: 'json' },
  ],
  ok: ok('Started (the request_id to check), or a business error', Envelope({ request_id: str('Opaque id to give `/v1/verify/check`; absent for call_button') }), {
    started: { summary: 'Code sent', value: { status: 'success', request_id: REQUEST_ID } },
    call_button: { summary: 'call_button placed', value: { status: 'success' } },
    to_required: { summary: 'No recipient', value: error('"to" param is required') },
    to_invalid: { summary: 'Not a number or address', value: error('"to" param is invalid') },
    wrong_channel: { summary: 'Unknown channel', value: error('Wrong channel') },
    sound: { summary: 'Unknown sound', value: error('Sound not found') },
    balance: { summary: 'Balance', value: error('Not enough money on your account') },
  }),
};

const CHECK: Operation = {
  summary: 'Check a code',
  description:
    'Checks the code the user typed against an sms, call_code or email request. A request that was approved, expired, ran out of attempts or is a call_button (which is checked by key press) reads as `No such request id`.',
  params: {
    request_id: str('From the start'),
    code: str('The code the user typed'),
    format: FORMAT,
  },
  required: ['request_id', 'code'],
  examples: [{ request_id: REQUEST_ID, code: '498816', format: 'json' }],
  ok: ok('The code is right, or a business error', Envelope({ message: str('`Code is correct`') }, ['message']), {
    correct: { summary: 'Right code', value: { status: 'success', message: 'Code is correct' } },
    wrong: { summary: 'Wrong code', value: error('Invalid verification code') },
    unknown: { summary: 'Unknown, finished or expired', value: error('No such request id') },
    missing: { summary: 'No request_id', value: error('"request_id" param is required') },
  }),
};

const BALANCE: Operation = {
  summary: 'Read the balance',
  description: 'The balance of the credential’s account, in its currency.',
  params: { format: FORMAT },
  required: [],
  examples: [{ format: 'json' }],
  ok: ok('The balance', Envelope({ balance: { type: 'number' }, currency: str('ISO 4217') }, ['balance', 'currency']), {
    balance: { summary: 'Balance', value: { status: 'success', balance: 12.5, currency: 'USD' } },
  }),
};

const LIST: Operation = {
  summary: 'List the IVR sounds',
  description: 'The account’s sounds, whose ids call_button takes; `pbx_id` is a number derived from the account (one PBX per account).',
  params: { format: FORMAT },
  required: [],
  examples: [{ format: 'json' }],
  ok: ok(
    'The sounds',
    Envelope(
      {
        pbx_id: { type: 'integer' },
        sounds: { type: 'array', items: { type: 'object', required: ['id', 'name'], properties: { id: str('Sound id (`snd_…`)'), name: { type: 'string' } } } },
      },
      ['pbx_id', 'sounds'],
    ),
    { sounds: { summary: 'One sound', value: { status: 'success', pbx_id: 163698701, sounds: [{ id: SOUND_ID, name: 'greeting.wav' }] } } },
  ),
};

const UPLOAD: Operation = {
  summary: 'Upload an IVR sound',
  description:
    'A `multipart/form-data` POST with the text field `name` and the file `file` (MP3 or WAV; the content decides), as the PHP SDK sends a CURLFile. Only the text fields (`name`, `format`) are signed, not the file. The size, length and count limits are COMPAT_ZADARMA `soundMaxBytes`, `soundMaxDurationS` and `soundsPerAccount`, by default those of `/v1/sounds`.',
  consumes: 'multipart/form-data',
  params: {
    name: str('Name of the sound (defaults to the file’s name)', { maxLength: 100 }),
    file: { type: 'string', format: 'binary', contentMediaType: 'audio/mpeg', description: 'The audio, MP3 or WAV' },
    format: FORMAT,
  },
  required: ['file'],
  examples: [{ name: 'greeting.wav', format: 'json', file: '(the bytes of greeting.wav)' }],
  ok: ok('Stored, or a business error', Envelope({}), {
    stored: { summary: 'Stored', value: { status: 'success' } },
    no_file: { summary: 'No file', value: error('"file" param is required') },
    format: { summary: 'Not audio', value: error('Wrong file format: the file is neither WAV (RIFF/WAVE) nor MP3 (MPEG layer III)') },
    too_large: { summary: 'Too large', value: error('File is too large: at most 1048576 bytes') },
  }),
};

const DELETE: Operation = {
  summary: 'Delete an IVR sound',
  description: 'Deletes one of the account’s sounds.',
  params: { id: str('The sound id', { pattern: '^snd_[0-9A-Za-z]{1,40}$' }), format: FORMAT },
  required: ['id'],
  examples: [{ id: SOUND_ID, format: 'json' }],
  ok: ok('Deleted, or a business error', Envelope({}), {
    deleted: { summary: 'Deleted', value: { status: 'success' } },
    unknown: { summary: 'Unknown sound', value: error('Sound not found') },
    missing: { summary: 'No id', value: error('"id" param is required') },
  }),
};

const both = (o: Operation) => ({
  POST: operation('POST', { ...o, summary: `${o.summary} (form POST)` }),
  GET: operation('GET', { ...o, summary: `${o.summary} (GET)` }),
});

/** By the path `route()` registers: the spelling Zadarma's own documents use, and each method's description. */
export const ZADARMA_DOCS: Record<string, ZadarmaRouteDoc> = {
  '/v1/verify': { url: '/v1/verify/', methods: both(START) },
  '/v1/verify/check': { url: '/v1/verify/check', methods: both(CHECK) },
  '/v1/info/balance': { url: '/v1/info/balance/', methods: { GET: operation('GET', BALANCE) } },
  '/v1/pbx/ivr/sounds/list': { url: '/v1/pbx/ivr/sounds/list', methods: { GET: operation('GET', LIST) } },
  '/v1/pbx/ivr/sounds/upload': { url: '/v1/pbx/ivr/sounds/upload', methods: { POST: operation('POST', UPLOAD) } },
  '/v1/pbx/ivr/sounds/delete': { url: '/v1/pbx/ivr/sounds/delete', methods: { DELETE: operation('DELETE', DELETE) } },
};
