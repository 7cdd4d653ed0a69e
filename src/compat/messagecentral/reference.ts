import type { FastifySchema } from 'fastify';
import { describedOnly, TAG } from '../../http/reference.js';

// What the API reference shows of Message Central VerifyNow. The routes read the vendor's params
// and answer its envelope by hand, so these schemas describe them and never validate or serialize.

type Schema = Record<string, unknown>;
type Examples = Record<string, [summary: string, value: unknown]>;

const str = (description: string, extra: Schema = {}): Schema => ({ type: 'string', description, ...extra });
const nullable = (description: string): Schema => ({ type: ['string', 'null'], description });
const CUSTOMER_ID = 'C-9498008AFB7B3CB7';
const TOKEN =
  'eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJDLTk0OTgwMDhBRkI3QjNDQjciLCJpYXQiOjE3OTY1MzAyNTYsImV4cCI6MTk1NDIxMDI1Nn0.URmPgBBs--a7BGy_JWyIl95AiV88JiYGyoDRo5H6LkeUYG4O2EmycxMKWo7qLk1wqj-gZIUg7dlbZBXUYftHeg';
const VERIFICATION_ID = '675688257006';
const TRANSACTION_ID = 'ver_0oB7D9oxqTvEYSFk48gDMt';

const PARAMS_FROM_BODY =
  'Parameters go in the query string, as in the vendor’s samples (a leading `?&` is fine); a form or JSON body with the same names fills in what the query lacks. Names are matched without regard to case.';
const AUTH_TOKEN =
  'Authenticate with the `authToken` header, the token from `GET /auth/v1/authentication/token`, not with a Verity API key; without a valid one the answer is 401 in the gateway’s (Spring) form.';
const ERRORS =
  'Every answer is the vendor’s envelope `{"responseCode", "message", "data"}`; a `responseCode` other than 200 comes at HTTP 400 (COMPAT_MESSAGECENTRAL `errorHttpStatus`; the vendor’s clients disagree on 200 or 400, and all of them read `responseCode`).';

function json(description: string, schema: Schema, examples: Examples) {
  return { description, content: { 'application/json': { schema, examples: Object.fromEntries(Object.entries(examples).map(([k, [summary, value]]) => [k, { summary, value }])) } } };
}

/** The query parameters, each with its example. */
function query(properties: Record<string, Schema>, required: string[], example: Record<string, string>): Schema {
  return { type: 'object', required, properties: Object.fromEntries(Object.entries(properties).map(([k, p]) => [k, k in example ? { ...p, examples: [example[k]] } : p])) };
}

const AUTH_HEADER = {
  type: 'object',
  required: ['authToken'],
  properties: { authToken: str('The token from `GET /auth/v1/authentication/token`', { examples: [TOKEN] }) },
};

const unauthorized = (path: string) =>
  json(
    'No authToken, or one that is invalid or expired',
    {
      type: 'object',
      required: ['timestamp', 'status', 'error', 'path'],
      properties: { timestamp: { type: 'string' }, status: { type: 'integer' }, error: { type: 'string' }, path: { type: 'string' } },
    },
    { unauthorized: ['No valid token', { timestamp: '2026-12-06T04:10:59.073+00:00', status: 401, error: 'Unauthorized', path }] },
  );

const envelope = (data: Schema): Schema => ({
  type: 'object',
  required: ['responseCode', 'message', 'data'],
  properties: { responseCode: { type: 'integer' }, message: { type: 'string' }, data },
});
const answer = (responseCode: number, message: string, data: Record<string, unknown>) => ({ responseCode, message, data: { ...data } });

/** A request the server could not read at all (a body too large) has only these two in `data`. */
const Unreadable: Schema = { type: 'object', required: ['responseCode', 'errorMessage'], properties: { responseCode: { type: 'string' }, errorMessage: { type: 'string' } } };
const UNREADABLE = answer(400, 'BAD_REQUEST', { responseCode: '400', errorMessage: 'the request could not be read' });
const refusal = (data: Schema) => envelope({ anyOf: [data, Unreadable] });

// ---- token

const TOKEN_DOC = describedOnly({
  tags: [TAG.messagecentral],
  summary: 'Get a token',
  description: [
    'The token that `authToken` carries on send and validateOtp: a JWT (HS512) whose `sub` is the customerId, valid for COMPAT_MESSAGECENTRAL `tokenTtlS` (default 1825 days, like the vendor’s).',
    'Authenticate with the query, not with a Verity API key: `customerId` and `key`, the base64 of the password. Both come from `POST /v1/compat/credentials` with `{"vendor": "messagecentral"}`. `scope`, `country` and `email` are accepted and play no part.',
    'A refusal is `{"status": 400, "error": …}` at HTTP 200, as reported of the vendor (COMPAT_MESSAGECENTRAL `tokenErrorHttpStatus`); an unknown customerId and a wrong key read the same.',
  ].join('\n\n'),
  security: [],
  querystring: query(
    {
      customerId: str('The customer id (the credential’s login)'),
      key: str('Base64 of the password'),
      scope: str('`NEW`; ignored'),
      country: str('Dial code; ignored'),
      email: str('Ignored'),
    },
    ['customerId', 'key'],
    { customerId: CUSTOMER_ID, key: 'RjVOclM0NkxIc0pnRHNsUGNtcXM=', scope: 'NEW', country: '91' },
  ),
  response: {
    200: json(
      'The token, or a refusal (at HTTP 200 by default)',
      {
        oneOf: [
          { type: 'object', required: ['status', 'token'], properties: { status: { type: 'integer', enum: [200] }, token: { type: 'string' } } },
          { type: 'object', required: ['status', 'error'], properties: { status: { type: 'integer', enum: [400] }, error: { type: 'string' } } },
        ],
      },
      {
        token: ['Token', { status: 200, token: TOKEN }],
        invalid: ['Unknown customerId or wrong key', { status: 400, error: 'customerId is invalid' }],
        missing: ['No customerId', { status: 400, error: 'customerId is required' }],
      },
    ),
  },
});

// ---- send

const sendData = (o: { verificationId?: string | null; responseCode: string; errorMessage?: string | null; timeout?: string | null; transactionId?: string | null }) => ({
  verificationId: o.verificationId ?? null,
  mobileNumber: '7911123470',
  responseCode: o.responseCode,
  errorMessage: o.errorMessage ?? null,
  timeout: o.timeout ?? null,
  smCLI: null,
  smsCLI: null,
  transactionId: o.transactionId ?? null,
});
const SendData: Schema = {
  type: 'object',
  required: ['verificationId', 'mobileNumber', 'responseCode', 'errorMessage', 'timeout', 'smCLI', 'smsCLI', 'transactionId'],
  properties: {
    verificationId: nullable('Numeric id (as a string) to validate with'),
    mobileNumber: nullable('The national number'),
    responseCode: str('`responseCode` again, as a string'),
    errorMessage: nullable('What went wrong; null on success'),
    timeout: nullable('Seconds before another send to this number starts a new verification'),
    smCLI: { type: 'null', description: 'The v3 spelling; always null' },
    smsCLI: { type: 'null', description: 'The v2 spelling; always null' },
    transactionId: nullable('Verity’s verification id'),
    authUrl: str('SAUTH only: the address the device opens over its mobile data'),
  },
};
const sendFailure = (code: number, message: string, errorMessage = message) => answer(code, message, sendData({ responseCode: String(code), errorMessage }));

const SEND_DOC = describedOnly({
  tags: [TAG.messagecentral],
  summary: 'Send a code',
  description: [
    'Starts a verification on the channel of `flowType` (COMPAT_MESSAGECENTRAL `flows`: SMS, WHATSAPP, RCS, AUDIO a voice call, EMAIL, SAUTH silent verification, which answers `authUrl`). The code is `otpLength` digits (4 to 8, default 4).',
    'While a verification to the same number is pending and younger than COMPAT_MESSAGECENTRAL `resendWindowS` (default 60 s), another send answers 506 REQUEST_ALREADY_EXISTS with that verification’s `verificationId`, which the vendor’s clients then validate.',
    AUTH_TOKEN,
    PARAMS_FROM_BODY,
    ERRORS,
  ].join('\n\n'),
  security: [],
  headers: AUTH_HEADER,
  querystring: query(
    {
      countryCode: str('Dial code, without `+` (`91`)'),
      mobileNumber: str('The national number, without the country code'),
      flowType: str('The channel', { enum: ['SMS', 'WHATSAPP', 'RCS', 'AUDIO', 'EMAIL', 'SAUTH'] }),
      otpLength: str('Digits of the code, 4 to 8 (default 4)', { pattern: '^[4-8]$' }),
      customerId: str('When given, must be the token’s customerId (else 501)'),
      email: str('The address, for the EMAIL flowType'),
      langId: str('Language; English only, ignored'),
      type: str('`OTP`; ignored'),
    },
    ['flowType'],
    { countryCode: '44', mobileNumber: '7911123470', flowType: 'SMS', otpLength: '6' },
  ),
  response: {
    200: json('Sent', envelope(SendData), {
      sent: ['Sent', answer(200, 'SUCCESS', sendData({ verificationId: VERIFICATION_ID, responseCode: '200', timeout: '60', transactionId: TRANSACTION_ID }))],
    }),
    400: json('A refusal in the vendor’s envelope (HTTP 400 by default, COMPAT_MESSAGECENTRAL `errorHttpStatus`)', refusal(SendData), {
      exists: [
        '506 REQUEST_ALREADY_EXISTS',
        answer(506, 'REQUEST_ALREADY_EXISTS', sendData({ verificationId: VERIFICATION_ID, responseCode: '506', errorMessage: 'REQUEST_ALREADY_EXISTS', timeout: '42', transactionId: TRANSACTION_ID })),
      ],
      bad_request: ['400 BAD_REQUEST', sendFailure(400, 'BAD_REQUEST', 'flowType FAX is not supported')],
      country: ['511 INVALID_COUNTRY_CODE', sendFailure(511, 'INVALID_COUNTRY_CODE')],
      customer: ['501 INVALID_CUSTOMER_ID', sendFailure(501, 'INVALID_CUSTOMER_ID')],
      limit: ['800 MAXIMUM_LIMIT_REACHED', sendFailure(800, 'MAXIMUM_LIMIT_REACHED')],
      server: ['500 SERVER_ERROR', sendFailure(500, 'SERVER_ERROR')],
      unreadable: ['Unreadable request', UNREADABLE],
    }),
    401: unauthorized('/verification/v3/send'),
  },
});

// ---- validateOtp

const validateData = (o: { responseCode: string; errorMessage?: string | null; status?: string | null; found?: boolean }) => ({
  verficationId: VERIFICATION_ID,
  verificationId: VERIFICATION_ID,
  mobileNumber: o.found === false ? null : '7911123470',
  responseCode: o.responseCode,
  errorMessage: o.errorMessage ?? null,
  verificationStatus: o.status ?? null,
  authToken: null,
  transactionId: o.found === false ? null : TRANSACTION_ID,
});
const STATUS = { type: ['string', 'null'], enum: ['VERIFICATION_COMPLETED', 'VERIFICATION_FAILED', 'VERIFICATION_EXPIRED', null] };
const ValidateData: Schema = {
  type: 'object',
  required: ['verficationId', 'verificationId', 'mobileNumber', 'responseCode', 'errorMessage', 'verificationStatus', 'authToken', 'transactionId'],
  properties: {
    verficationId: nullable('The verificationId, in the vendor’s spelling'),
    verificationId: nullable('The same, as send spells it'),
    mobileNumber: nullable('The national number'),
    responseCode: str('`responseCode` again, as a string'),
    errorMessage: nullable('What went wrong; null on success'),
    verificationStatus: { ...STATUS, description: 'Where the verification stands' },
    authToken: { type: 'null' },
    transactionId: nullable('Verity’s verification id'),
  },
};
const validateFailure = (code: number, message: string, status: string | null = null, found = true) =>
  answer(code, message, validateData({ responseCode: String(code), errorMessage: message, status, found }));

function validateDoc(method: 'GET' | 'POST') {
  const schema: FastifySchema = {
    tags: [TAG.messagecentral],
    summary: method === 'GET' ? 'Validate a code' : 'Validate a code (POST)',
    description: [
      'Checks the code against the verification behind `verificationId`; every wrong code counts against Verity’s attempt limits. A SAUTH verification has no code: the answer is where the network’s check left it (700 `VERIFICATION_PENDING` while it runs).',
      method === 'GET'
        ? 'GET is the vendor’s documented verb; POST is served too, for clients that retry with it. `/verification/v3/validateOtp/` (with the slash, as some of the vendor’s pages write it) is the same.'
        : 'The same as GET, for clients that retry with POST (one calls it "documented as both"). `/verification/v3/validateOtp/` is the same.',
      AUTH_TOKEN,
      PARAMS_FROM_BODY,
      ERRORS,
    ].join('\n\n'),
    security: [],
    headers: AUTH_HEADER,
    querystring: query(
      {
        verificationId: str('From send (`verficationId` is read too)'),
        code: str('The code the user typed'),
        flowType: str('Ignored'),
        langId: str('Ignored'),
        customerId: str('Ignored'),
        countryCode: str('Ignored'),
        mobileNumber: str('Ignored'),
      },
      ['verificationId'],
      { verificationId: VERIFICATION_ID, code: '2290' },
    ),
    response: {
      200: json('The code is right', envelope(ValidateData), {
        verified: ['Verified', answer(200, 'SUCCESS', validateData({ responseCode: '200', status: 'VERIFICATION_COMPLETED' }))],
      }),
      400: json('A refusal in the vendor’s envelope (HTTP 400 by default, COMPAT_MESSAGECENTRAL `errorHttpStatus`)', refusal(ValidateData), {
        wrong: ['702 WRONG_OTP_PROVIDED', validateFailure(702, 'WRONG_OTP_PROVIDED')],
        already: ['703 ALREADY_VERIFIED', validateFailure(703, 'ALREADY_VERIFIED', 'VERIFICATION_COMPLETED')],
        unknown: ['505 INVALID_VERIFICATION_ID', validateFailure(505, 'INVALID_VERIFICATION_ID', null, false)],
        expired: ['705 VERIFICATION_EXPIRED', validateFailure(705, 'VERIFICATION_EXPIRED', 'VERIFICATION_EXPIRED')],
        failed: ['700 VERIFICATION_FAILED', validateFailure(700, 'VERIFICATION_FAILED', 'VERIFICATION_FAILED')],
        no_code: ['400 BAD_REQUEST', answer(400, 'BAD_REQUEST', validateData({ responseCode: '400', errorMessage: 'code is required' }))],
        limit: ['800 MAXIMUM_LIMIT_REACHED', validateFailure(800, 'MAXIMUM_LIMIT_REACHED')],
      }),
      401: unauthorized('/verification/v3/validateOtp'),
    },
  };
  return describedOnly(schema);
}

/** The reference's description of each route, by the route's method and path. */
export const MC_DOCS = {
  token: TOKEN_DOC,
  send: SEND_DOC,
  validateGet: validateDoc('GET'),
  validatePost: validateDoc('POST'),
};
