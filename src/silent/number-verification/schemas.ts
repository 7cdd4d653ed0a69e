import { Type } from 'typebox';

// The CAMARA Number Verification routes' schemas, with the reference's examples: a device on
// +14155550100 whose app checks that number. Tokens are HS256 JWTs; the signatures here are made up.

const CODE =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJraW5kIjoiY29kZSIsIm1zaXNkbiI6IisxNDE1NTU1MDEwMCIsInNjb3BlIjoibnVtYmVyLXZlcmlmaWNhdGlvbjp2ZXJpZnkiLCJhbXIiOlsibmV0d29yayJdLCJpc3MiOiJ2ZXJpdHkiLCJhdWQiOiJudW1iZXItdmVyaWZpY2F0aW9uIiwic3ViIjoidmtfMG5ZUWNYZGFxRktjYzFaNlRYc0ZHVSIsImp0aSI6IjZmMWMyYTllLTBiN2QtNGU1NS05YzFhLTNkOGUyZjRiN2ExMCIsImlhdCI6MTc3Nzg4OTcwMCwiZXhwIjoxNzc3ODg5NzYwfQ.EXAMPLEsignatureNotValid-000000000000000000';
const ACCESS =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJraW5kIjoiYWNjZXNzIiwibXNpc2RuIjoiKzE0MTU1NTUwMTAwIiwic2NvcGUiOiJudW1iZXItdmVyaWZpY2F0aW9uOnZlcmlmeSIsImFtciI6WyJuZXR3b3JrIl0sImlzcyI6InZlcml0eSIsImF1ZCI6Im51bWJlci12ZXJpZmljYXRpb24iLCJzdWIiOiJ2a18wbllRY1hkYXFGS2NjMVo2VFhzRkdVIiwianRpIjoiYjNlOWQwYzQtN2EyMS00ZjZlLThkM2ItNWMyYTFlOWYwZDQ3IiwiaWF0IjoxNzc3ODg5NzA1LCJleHAiOjE3Nzc4OTAwMDV9.EXAMPLEsignatureNotValid-111111111111111111';

export const TokenBody = Type.Object(
  {
    grant_type: Type.Literal('authorization_code'),
    code: Type.String({ maxLength: 4096, description: 'The code the authorize redirect carried; single use, valid for a minute' }),
    redirect_uri: Type.Optional(Type.String({ maxLength: 2048 })),
    client_id: Type.Optional(Type.String({ maxLength: 64, description: 'The API key id, when the request carries no Basic credentials' })),
    client_secret: Type.Optional(Type.String({ maxLength: 256, description: 'The API key secret, with client_id' })),
  },
  { examples: [{ grant_type: 'authorization_code', code: CODE, redirect_uri: 'https://app.example.com/callback' }] },
);

export const TokenResponse = Type.Object(
  {
    access_token: Type.String({ description: 'Single use: spent by one verify or device-phone-number call' }),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer({ description: 'Seconds' }),
    scope: Type.String({ description: 'The granted scopes, space-separated' }),
  },
  { examples: [{ access_token: ACCESS, token_type: 'Bearer', expires_in: 300, scope: 'number-verification:verify' }] },
);

export const VerifyBody = Type.Object(
  {
    phoneNumber: Type.Optional(Type.String({ pattern: '^\\+[1-9][0-9]{4,14}$', maxLength: 16, description: 'E.164' })),
    hashedPhoneNumber: Type.Optional(Type.String({ pattern: '^[a-fA-F0-9]{64}$', maxLength: 64, description: 'SHA-256 of the E.164 number, in hex' })),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
    examples: [{ phoneNumber: '+14155550100' }, { hashedPhoneNumber: '40d3f4e02db27d66cf4cfdda506c2c945f115a7955cc8491dda98ce5beabcda0' }],
  },
);

export const VerifyResponse = Type.Object({ devicePhoneNumberVerified: Type.Boolean() }, { examples: [{ devicePhoneNumberVerified: true }] });

export const DevicePhoneNumber = Type.Object({ devicePhoneNumber: Type.String({ description: 'E.164' }) }, { examples: [{ devicePhoneNumber: '+14155550100' }] });

/** A CAMARA error, `{status, code, message}`, as one status of one route answers it. */
const camaraError = (status: number, code: string, message: string, when: string) =>
  Type.Object({ status: Type.Integer(), code: Type.String(), message: Type.String() }, { description: `\`${code}\`: ${when}`, examples: [{ status, code, message }] });

const INVALID = 'Client specified an invalid argument, request body or query param.';
const UNAUTHENTICATED = 'Request not authenticated due to missing, invalid, or expired credentials.';

export const AuthorizeErrors = { 400: camaraError(400, 'INVALID_ARGUMENT', 'unknown client_id', 'the query does not match the schema, or client_id names no API key') };

export const TokenErrors = {
  400: camaraError(
    400,
    'INVALID_ARGUMENT',
    'the code is invalid, expired, already used or not this client’s',
    'the body does not match the schema, or the code is invalid, expired, already used or another client’s',
  ),
  401: camaraError(401, 'UNAUTHENTICATED', UNAUTHENTICATED, 'the API key is missing or not valid'),
};

const tokenSpent = {
  401: camaraError(401, 'UNAUTHENTICATED', UNAUTHENTICATED, 'the access token is missing, not valid, expired or already used'),
  403: camaraError(403, 'PERMISSION_DENIED', 'Client does not have sufficient permissions to perform this action.', 'the access token was not granted this operation’s scope'),
};

export const VerifyErrors = { 400: camaraError(400, 'INVALID_ARGUMENT', INVALID, 'the body does not match the schema: exactly one of phoneNumber and hashedPhoneNumber'), ...tokenSpent };

export const DevicePhoneNumberErrors = tokenSpent;
