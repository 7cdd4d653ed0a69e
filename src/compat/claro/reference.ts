import { describedOnly, TAG } from '../../http/reference.js';

// What the API reference shows of Claro's SMV routes. The routes read and answer Claro's wire
// format by hand, so these schemas describe it and are never used to validate or serialize.

const tags = [TAG.claro];
const CREDENTIALS = 'Key and secret come from `POST /v1/compat/credentials` with `{"vendor": "claro"}`.';

/** A JSON answer with named examples, as the reference lists them. */
function answer(description: string, schema: object, examples: Record<string, { summary: string; value: unknown }>) {
  return { description, content: { 'application/json': { schema, examples } } };
}

/** Apigee's fault body, which the gateway answers for everything but the token. */
const Fault = {
  type: 'object',
  required: ['fault'],
  properties: {
    fault: {
      type: 'object',
      required: ['faultstring', 'detail'],
      properties: { faultstring: { type: 'string' }, detail: { type: 'object', required: ['errorcode'], properties: { errorcode: { type: 'string' } } } },
    },
  },
};
const fault = (faultstring: string, errorcode: string) => ({ fault: { faultstring, detail: { errorcode } } });

const OAuthError = { type: 'object', required: ['ErrorCode', 'Error'], properties: { ErrorCode: { type: 'string', enum: ['invalid_request', 'invalid_client'] }, Error: { type: 'string' } } };

const str = { type: 'string' };
const TOKEN_EXAMPLE = {
  refresh_token_expires_in: '0',
  api_product_list: '[SMV]',
  api_product_list_json: ['SMV'],
  organization_name: 'claro',
  'developer.email': 'developer@verity.invalid',
  token_type: 'BearerToken',
  issued_at: '1796530217931',
  client_id: 'TNodNSmjm5FXtxtZKenEYClEB55gX2m9',
  access_token:
    'eyJhbGciOiJIUzI1NiJ9.eyJhY2MiOiJhY2NfMG9CN0N0WVlvVURFR05jQm9yamZaaCIsImF1ZCI6ImNsYXJvLXNtdiIsInN1YiI6InZjcl8wb0I3Q3ZZaUFuUFBEc1NTa3ZwMlUzIiwiaWF0IjoxNzk2NTMwMjE3LCJleHAiOjE3OTY1MzM4MTZ9.4vIanV9FoH3hpql9OnZ4ecofFL204ln-spU0zYtRDrE',
  application_name: '800c40e1-7839-44c8-9497-52725a4f6e6a',
  scope: '',
  expires_in: '3599',
  refresh_count: '0',
  status: 'approved',
};
const Token = {
  type: 'object',
  required: Object.keys(TOKEN_EXAMPLE),
  properties: {
    ...Object.fromEntries(Object.keys(TOKEN_EXAMPLE).map((k) => [k, str])),
    api_product_list_json: { type: 'array', items: str },
    issued_at: { type: 'string', pattern: '^[0-9]+$', description: 'When the token was issued, epoch milliseconds' },
    access_token: { type: 'string', description: 'The token for `x-client-auth: Bearer …` on `smvs`' },
    expires_in: { type: 'string', pattern: '^[0-9]+$', description: 'Lifetime of the token, seconds (COMPAT_CLARO_TOKEN_TTL_S, default 3599)' },
  },
};

export const CLARO_TOKEN_DOC = describedOnly({
  tags,
  summary: 'Get an access token',
  description: [
    "Apigee's OAuth 2 client-credentials grant, as Claro's gateway runs it.",
    `Authenticate with Claro's own header \`x-client-auth: Basic base64(key:secret)\` (\`Authorization: Basic …\` is accepted too), not with a Verity API key. ${CREDENTIALS}`,
    "The body is `grant_type=client_credentials`, read as a form whatever the content type says. The answer is one line of JSON in Apigee's key order, every value a string: Claro's bash sample takes the token as the 36th `\"`-separated field of that line.",
    'Refusals are Apigee\'s OAuth errors, `{"ErrorCode", "Error"}`.',
  ].join('\n\n'),
  security: [],
  consumes: ['application/x-www-form-urlencoded'],
  headers: {
    type: 'object',
    properties: {
      'x-client-auth': { type: 'string', description: '`Basic ` and base64 of `key:secret`', examples: ['Basic VE5vZE5TbWptNUZYdHh0WktlbkVZQ2xFQjU1Z1gybTk6a05VN2tBUG1UWkZ4djduZw=='] },
    },
  },
  body: {
    type: 'object',
    required: ['grant_type'],
    properties: { grant_type: { type: 'string', enum: ['client_credentials'] } },
    examples: [{ grant_type: 'client_credentials' }],
  },
  response: {
    200: { description: 'The token, on one line in Apigee’s key order', ...Token, examples: [TOKEN_EXAMPLE] },
    400: answer('No credentials in `x-client-auth` or `Authorization`, or a grant other than client_credentials', OAuthError, {
      missing_credentials: { summary: 'No Basic credentials', value: { ErrorCode: 'invalid_request', Error: 'The request is missing a required parameter : client_id' } },
      grant_type: { summary: 'Unsupported grant', value: { ErrorCode: 'invalid_request', Error: 'Unsupported grant type : password' } },
    }),
    401: answer('Unknown key or wrong secret', OAuthError, { invalid_client: { summary: 'Bad key or secret', value: { ErrorCode: 'invalid_client', Error: 'ClientId is Invalid' } } }),
  },
});

const SmvAnswer = (status: string) => ({
  type: 'object',
  required: ['data'],
  properties: { data: { type: 'object', required: ['msisdn', 'status'], properties: { msisdn: { type: 'string', pattern: '^[1-9][0-9]{7,14}$' }, status: { type: 'string', enum: [status] } } } },
});
const MSISDN = '5511987654321';

export const CLARO_SMV_DOC = describedOnly({
  tags,
  summary: 'Check that a device is the subscriber (silent mobile verification)',
  description: [
    "Asks the network whether the data session seen at `ip`:`port` around `timestamp` is the subscriber `msisdn`'s, answered from Verity's silent-verification engine: 200 when it is and the device is online, 202 when it is and the device is offline, 404 when no session matches, 418 when the address is outside the operator's ranges.",
    `Authenticate with \`x-client-auth: Bearer <access_token>\` from \`POST /oauth2/v1/token\` (\`Authorization: Bearer …\` is accepted too), not with a Verity API key; revoking the credential ends its tokens. \`X-CustomerID\` must be one of COMPAT_CLARO_CUSTOMER_IDS (default \`claro\`), else 403. ${CREDENTIALS}`,
    "The body is read leniently, as Claro's own samples write it: `msisdn` as a string or a bare number (country code first, a leading `+` is dropped), `ip` quoted or as a bare dotted quad (the PHP sample's JSON is not valid JSON), `port` optional, `timestamp` in epoch seconds (a float such as `1.7E9` from the Java sample) or milliseconds, matched within COMPAT_CLARO_TOLERANCE_S (default 300 s).",
    'Refusals are Apigee faults, `{"fault": {"faultstring", "detail": {"errorcode"}}}`.',
  ].join('\n\n'),
  security: [],
  headers: {
    type: 'object',
    required: ['x-customerid'],
    properties: {
      'x-client-auth': { type: 'string', description: '`Bearer ` and the access token', examples: [`Bearer ${TOKEN_EXAMPLE.access_token}`] },
      'x-customerid': { type: 'string', description: 'The customer (COMPAT_CLARO_CUSTOMER_IDS)', examples: ['claro'] },
    },
  },
  body: {
    type: 'object',
    required: ['data'],
    properties: {
      data: {
        type: 'object',
        required: ['msisdn', 'ip', 'timestamp'],
        properties: {
          msisdn: { type: ['string', 'integer'], pattern: '^\\+?[1-9][0-9]{7,14}$', description: 'The subscriber, country code first (`5511987654321`)' },
          ip: { type: 'string', maxLength: 64, description: "The device's public address as the app's backend saw it" },
          port: { type: ['integer', 'string', 'null'], minimum: 0, maximum: 65535, description: "The device's source port as the backend saw it (behind carrier-grade NAT)" },
          timestamp: { type: ['number', 'string'], exclusiveMinimum: 0, description: 'When ip:port was seen: epoch seconds, or milliseconds from 1e12 up' },
        },
      },
    },
    examples: [{ data: { msisdn: MSISDN, ip: '198.51.100.7', port: 40001, timestamp: 1796530217 } }],
  },
  response: {
    200: { description: 'The device is the subscriber and online', ...SmvAnswer('CONNECTED'), examples: [{ data: { msisdn: MSISDN, status: 'CONNECTED' } }] },
    202: { description: 'The device is the subscriber and offline (airplane mode, no signal)', ...SmvAnswer('DISCONNECTED'), examples: [{ data: { msisdn: MSISDN, status: 'DISCONNECTED' } }] },
    400: answer('The body could not be read', Fault, {
      msisdn: { summary: 'No usable msisdn', value: fault('data.msisdn must be the number with its country code', 'protocol.http.BadRequest') },
      not_json: { summary: 'Not JSON', value: fault('the body is not JSON', 'protocol.http.BadRequest') },
    }),
    401: answer('No token, or a token that is invalid, expired or revoked', Fault, {
      invalid_token: { summary: 'Invalid token', value: fault('Invalid Access Token', 'keymanagement.service.invalid_access_token') },
    }),
    403: answer('`X-CustomerID` missing or not entitled', Fault, { customer: { summary: 'Unknown customer', value: fault('Customer not entitled', 'access.denied') } }),
    404: answer('No data session of this subscriber at ip:port around timestamp', Fault, { no_match: { summary: 'No match', value: fault('No match', 'smv.not_found') } }),
    418: answer("The address is outside the operator's ranges", Fault, { out_of_range: { summary: 'Outside the ranges', value: fault('IP outside the operator range', 'smv.ip.out_of_range') } }),
    500: answer('A fault of the server', Fault, { runtime: { summary: 'Server fault', value: fault('Internal Server Error', 'messaging.runtime.error') } }),
  },
});
