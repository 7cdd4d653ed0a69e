import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

// An HTTP status (404) or a whole class of them ('5xx').
const StatusMatch = Type.Union([Type.Integer({ minimum: 100, maximum: 599 }), Type.String({ pattern: '^[1-5]xx$' })]);
const TEMPLATE_HELP = 'Placeholders: {to} (E.164 with +), {to_digits}, {text}, {code}, {sender}, {message_id}, {channel}, {callback_url}, {secret.NAME}.';

// A JSON body: an object whose string leaves are templates (nested objects and arrays allowed).
const JsonBody = Type.Record(Type.String(), Type.Unknown());

export const HttpGatewayOptionsSchema = Type.Object(
  {
    method: Type.Optional(Type.Union([Type.Literal('GET'), Type.Literal('POST')], { default: 'POST', description: 'HTTP method. Default POST.' })),
    url: Type.String({
      minLength: 8,
      maxLength: 2048,
      pattern: '^[Hh][Tt][Tt][Pp][Ss]?://',
      description: `Endpoint URL template (http or https); placeholder values are URL-encoded. Required. ${TEMPLATE_HELP}`,
    }),
    query: Type.Optional(Type.Record(Type.String(), Type.String(), { default: {}, description: 'Query parameters added to the URL, name → template (URL-encoded). Default none.' })),
    headers: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        default: {},
        description:
          'Request headers, name → template; put credentials here as {secret.NAME} so they stay sealed. Default none (Content-Type is set from bodyType, and Idempotency-Key to the message id, the same on every retry).',
      }),
    ),
    body: Type.Optional(
      Type.Union([Type.String({ maxLength: 8192 }), JsonBody], {
        description:
          'Request body (POST only): an object whose string values are templates, or a string template (a JSON document when bodyType is json, a=b&c={text} when form). Values are JSON-escaped or URL-encoded, never spliced raw. Default none.',
      }),
    ),
    bodyType: Type.Optional(
      Type.Union([Type.Literal('json'), Type.Literal('form')], { default: 'json', description: 'Body encoding: json or form (application/x-www-form-urlencoded). Default json.' }),
    ),
    sender: Type.Optional(Type.String({ maxLength: 64, description: 'Value of {sender} when the message asks for none. Default empty.' })),
    secrets: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z0-9_-]+$' }), Type.String(), {
        default: {},
        description: 'Secret values (all sealed), name → value, used as {secret.NAME} in url, query, headers, body and receipt.token. Default none.',
      }),
    ),
    successStatus: Type.Optional(Type.Array(StatusMatch, { minItems: 1, default: ['2xx'], description: "HTTP statuses that mean accepted: codes (200) or classes ('2xx'). Default ['2xx']." })),
    messageIdPath: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: "Where the gateway's message id sits in its JSON answer, as a dotted path (data.id, messages.0.id). Default none: the Verity message id (also {message_id}) is used.",
      }),
    ),
    errorPath: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          'Dotted path to an error value in the JSON answer; a non-empty value there (not 0, false or null) means refused for good, even with a success status, and is named in the error when it looks like a code. Default none.',
      }),
    ),
    retryableStatus: Type.Optional(Type.Array(StatusMatch, { default: [429, '5xx'], description: "Refusal statuses worth retrying; other refusals are permanent. Default [429, '5xx']." })),
    timeoutMs: Type.Optional(
      Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000, description: 'Time allowed for the whole request, connect to last byte, in milliseconds. Default 10000.' }),
    ),
    channels: Type.Optional(
      Type.Array(Type.Union([Type.Literal('sms'), Type.Literal('whatsapp'), Type.Literal('rcs'), Type.Literal('voice')]), {
        minItems: 1,
        default: ['sms'],
        description: "Channels this gateway carries. Default ['sms'].",
      }),
    ),
    unicode: Type.Optional(Type.Boolean({ default: true, description: 'Whether the gateway carries text outside the GSM 03.38 alphabet. Default true.' })),
    countries: Type.Optional(Type.Array(Type.String({ pattern: '^[1-9][0-9]{0,2}$' }), { description: "Country calling codes served (['55', '62']). Default: every country." })),
    receipt: Type.Optional(
      Type.Object(
        {
          idPath: Type.String({ minLength: 1, description: 'Dotted path (or form/query field name) of the message id in a delivery report. Required.' }),
          statusPath: Type.String({ minLength: 1, description: 'Dotted path (or field name) of the status in a delivery report. Required.' }),
          errorCodePath: Type.Optional(Type.String({ minLength: 1, description: 'Dotted path (or field name) of an error code kept with the receipt. Default none.' })),
          delivered: Type.Array(Type.String(), { description: "Status values meaning delivered (['DELIVRD', 'delivered']). Required." }),
          undeliverable: Type.Array(Type.String(), { description: "Status values meaning it will never arrive (['UNDELIV', 'EXPIRED', 'REJECTD']). Required; other values are ignored." }),
          token: Type.Optional(
            Type.String({
              minLength: 1,
              description:
                'Shared token the gateway must send as query parameter `token` or header `x-verity-token` (compared in constant time). Write it as {secret.NAME} so it stays sealed. Default none: reports are not authenticated.',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'Generic HTTP SMS gateway. Without `receipt`, the provider takes no delivery reports.' },
);

export type HttpGatewayOptions = Static<typeof HttpGatewayOptionsSchema>;
export type StatusMatcher = Static<typeof StatusMatch>;
export type ReceiptOptions = NonNullable<HttpGatewayOptions['receipt']>;

/** The options with every default filled in, whether or not the caller already applied them. */
export function resolveOptions(options: HttpGatewayOptions): HttpGatewayOptions {
  return Value.Default(HttpGatewayOptionsSchema, structuredClone(options)) as HttpGatewayOptions;
}

export function statusMatches(list: readonly StatusMatcher[], status: number): boolean {
  return list.some((m) => (typeof m === 'number' ? m === status : m[0] === String(status)[0]));
}
