import type { FastifySchema } from 'fastify';
import { describedOnly, TAG } from '../../http/reference.js';

// What the API reference shows of SMSC's wait_call. The route reads SMSC's params and answers in
// the format `fmt` asks for by hand, so these schemas describe it and never validate or serialize.

const str = (description: string, extra: Record<string, unknown> = {}) => ({ type: 'string', description, ...extra });

const PARAMS = {
  login: str('The SMSC login (with `psw`)'),
  psw: str('The password, or the lowercase hex MD5 of it (node-smsc and the Ruby gem send the MD5)'),
  apikey: str('Instead of `login` and `psw`: the API key (the credential’s password)'),
  phone: str('The subscriber who will call, international digits; `+`, spaces, dashes and brackets are allowed'),
  fmt: str('Answer format: `0` plain text (the default), `1` plain text by position, `2` XML, `3` JSON', { enum: ['0', '1', '2', '3'] }),
  charset: str('Charset of the params and of the answer’s Content-Type (default COMPAT_SMSC `defaultCharset`, `windows-1251`)', {
    enum: ['windows-1251', 'utf-8', 'koi8-r'],
  }),
};
const REQUEST = { login: 'verity671822', psw: 'gcoeDnTIZN15MN0A', phone: '+79123456780', fmt: '3', charset: 'utf-8' };

const DESCRIPTION = [
  "SMSC's \"confirm a number with a call\": answers the number the subscriber must call from `phone`, a reverse_call number of the account's pool (`POST /v1/numbers`). The call approves the verification, and the credential's `callback_url` setting hears of it as an SMSC handler callback.",
  'Authenticate with SMSC\'s params, not with a Verity API key: `login` and `psw`, or `apikey`. The login and password come from `POST /v1/compat/credentials` with `{"vendor": "smsc"}`; the password is also the API key.',
  'The number is digits only (COMPAT_SMSC `phoneFormat`: `e164` adds the `+`). Errors answer HTTP 200 in the requested format, as SMSC does: `ERROR = N (description)` (fmt 0), `0,-N` (fmt 1), `<result><error>…</error><error_code>N</error_code></result>` (fmt 2), `{"error", "error_code"}` (fmt 3). N is 1 parameters error (also: no pool number serves the country, COMPAT_SMSC `noNumberError`), 2 authorise error, 3 no money, 4 IP is blocked (rate limited), 9 duplicate request, wait a minute (COMPAT_SMSC `duplicateLimit` requests for one phone in `duplicateWindowS`). Methods other than GET and POST answer error 1.',
].join('\n\n');

const PHONE = '79991234567';
const named = (list: Record<string, [string, unknown]>) => Object.fromEntries(Object.entries(list).map(([k, [summary, value]]) => [k, { summary, value }]));
const xml = (inner: string) => `<result>\n${inner}\n</result>`;
const xmlError = (description: string, code: number) => xml(`<error>${description}</error>\n<error_code>${code}</error_code>`);
const JsonAnswer = {
  oneOf: [
    { type: 'object', required: ['phone'], properties: { phone: str('The number to call') } },
    { type: 'object', required: ['error', 'error_code'], properties: { error: { type: 'string' }, error_code: { type: 'integer' } } },
  ],
};

const ANSWER = {
  description: 'The number to call, or an SMSC error, in the format `fmt` asks for (Content-Type `text/plain`, `text/xml` or `application/json`, with the requested charset)',
  content: {
    'text/plain': {
      schema: { type: 'string' },
      examples: named({
        number: ['fmt 0 or 1: the number', PHONE],
        auth: ['fmt 0: authorise error', 'ERROR = 2 (authorise error)'],
        auth_fmt1: ['fmt 1: authorise error', '0,-2'],
        duplicate: ['fmt 0: duplicate request', 'ERROR = 9 (duplicate request, wait a minute)'],
        parameters: ['fmt 0: parameters error', 'ERROR = 1 (parameters error)'],
      }),
    },
    'text/xml': {
      schema: { type: 'string' },
      examples: named({ number: ['fmt 2: the number', xml(`<phone>${PHONE}</phone>`)], auth: ['fmt 2: authorise error', xmlError('authorise error', 2)] }),
    },
    'application/json': {
      schema: JsonAnswer,
      examples: named({
        number: ['fmt 3: the number', { phone: PHONE }],
        auth: ['fmt 3: authorise error', { error: 'authorise error', error_code: 2 }],
        duplicate: ['fmt 3: duplicate request', { error: 'duplicate request, wait a minute', error_code: 9 }],
      }),
    },
  },
};

const FAULT = {
  description: 'A fault of the server: error 1, `internal error`, in the requested format',
  content: {
    'text/plain': { schema: { type: 'string' }, examples: named({ fmt0: ['fmt 0', 'ERROR = 1 (internal error)'], fmt1: ['fmt 1', '0,-1'] }) },
    'text/xml': { schema: { type: 'string' }, examples: named({ fmt2: ['fmt 2', xmlError('internal error', 1)] }) },
    'application/json': { schema: JsonAnswer.oneOf[1], examples: named({ fmt3: ['fmt 3', { error: 'internal error', error_code: 1 }] }) },
  },
};

function operation(method: 'GET' | 'POST'): ReturnType<typeof describedOnly> {
  const schema: FastifySchema = {
    tags: [TAG.smsc],
    summary: method === 'GET' ? 'Get the number to call (GET)' : 'Get the number to call (form POST)',
    description: `${DESCRIPTION}\n\n${
      method === 'GET'
        ? 'GET sends the params in the query string.'
        : 'POST sends the params as an `application/x-www-form-urlencoded` body (any content type is read as a form; a JSON object body is read too); params in the query string are read first and the body’s win.'
    }`,
    security: [],
    response: { 200: ANSWER, 500: FAULT },
  };
  const params = { type: 'object', required: ['phone'], properties: PARAMS };
  if (method === 'GET') {
    schema.querystring = { ...params, properties: Object.fromEntries(Object.entries(PARAMS).map(([k, p]) => [k, k in REQUEST ? { ...p, examples: [REQUEST[k as keyof typeof REQUEST]] } : p])) };
  } else {
    schema.consumes = ['application/x-www-form-urlencoded'];
    schema.body = { ...params, examples: [REQUEST, { apikey: 'gcoeDnTIZN15MN0A', phone: '79123456781' }] };
  }
  return describedOnly(schema);
}

/** wait_call's description, by method. */
export const SMSC_DOCS = { GET: operation('GET'), POST: operation('POST') };
