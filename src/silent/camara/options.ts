import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

const URL_PATTERN = '^https?://';

export const CamaraOptionsSchema = Type.Object(
  {
    authorizeUrl: Type.String({ pattern: URL_PATTERN, description: 'The operator’s OIDC authorization endpoint, opened by the device over mobile data. Required.' }),
    tokenUrl: Type.String({ pattern: URL_PATTERN, description: 'The operator’s token endpoint (authorization_code grant, client_secret_basic). Required.' }),
    baseUrl: Type.Optional(Type.String({ pattern: URL_PATTERN, description: 'API root of the operator’s CAMARA APIs; gives the default verifyUrl. No default: set this or verifyUrl.' })),
    verifyUrl: Type.Optional(Type.String({ pattern: URL_PATTERN, description: 'Number Verification v2 verify endpoint. Default {baseUrl}/number-verification/v2/verify.' })),
    clientId: Type.String({ minLength: 1, maxLength: 256, description: 'OAuth client id registered with the operator. Required.' }),
    clientSecret: Type.String({ minLength: 1, maxLength: 512, description: 'OAuth client secret (secret). Required.' }),
    redirectUri: Type.Optional(
      Type.String({ pattern: URL_PATTERN, description: 'Verity’s callback as registered with the operator. Default: the URL of GET /v1/silent/camara/callback the server passes in.' }),
    ),
    scope: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 512,
        default: 'openid dpv:FraudPreventionAndDetection number-verification:verify',
        description: 'Scope of the authorization request: OIDC, the purpose and the verify scope. Default "openid dpv:FraudPreventionAndDetection number-verification:verify".',
      }),
    ),
    stateKey: Type.String({
      minLength: 32,
      maxLength: 512,
      description: 'Key (secret, at least 32 characters) sealing the OAuth state, which carries the verification and number through the operator. Required.',
    }),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000, description: 'Time allowed for one API call, connect to last byte, in milliseconds. Default 10000.' })),
  },
  { additionalProperties: false, description: 'CAMARA Number Verification v2 with network-based authentication (OIDC authorization code flow).' },
);

export type CamaraOptions = Static<typeof CamaraOptionsSchema>;

export type ResolvedCamaraOptions = Omit<CamaraOptions, 'baseUrl'> & Required<Pick<CamaraOptions, 'verifyUrl' | 'redirectUri' | 'scope' | 'timeoutMs'>>;

/** Fills defaults; throws naming the option when neither it nor its fallback is there. */
export function resolveOptions(options: CamaraOptions, callbackUrl: string | undefined): ResolvedCamaraOptions {
  const o = Value.Default(CamaraOptionsSchema, structuredClone(options)) as CamaraOptions & Required<Pick<CamaraOptions, 'scope' | 'timeoutMs'>>;
  const { baseUrl, ...rest } = o;
  const verifyUrl = o.verifyUrl ?? (baseUrl === undefined ? undefined : `${baseUrl.replace(/\/+$/, '')}/number-verification/v2/verify`);
  if (verifyUrl === undefined) throw new Error('camara: set baseUrl or verifyUrl');
  const redirectUri = o.redirectUri ?? callbackUrl;
  if (redirectUri === undefined) throw new Error('camara: set redirectUri (Verity’s /v1/silent/camara/callback URL)');
  return { ...rest, verifyUrl, redirectUri };
}
