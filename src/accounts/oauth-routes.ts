import { TAG } from '../http/reference.js';
import formbody from '@fastify/formbody';
import { Type } from 'typebox';
import { AppError } from '../errors/index.js';
import { parseBasic } from '../http/auth.js';
import { publicProblems } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { tokenExample, tokenRequestExamples } from './examples.js';
import type { KeyService } from './key-service.js';
import type { TokenService } from './token-service.js';

const Text = (maxLength: number, description?: string) => Type.String({ maxLength, pattern: '^[^\\u0000]*$', ...(description ? { description } : {}) });
const TokenBody = Type.Object(
  {
    grant_type: Text(64, 'Must be client_credentials'),
    client_id: Type.Optional(Text(64, 'The API key id, when the request carries no Basic credentials')),
    client_secret: Type.Optional(Text(256, 'The API key secret, with client_id')),
    scope: Type.Optional(Text(256)),
  },
  { examples: tokenRequestExamples },
);

/**
 * OAuth2 client credentials (RFC 6749 §4.4): the API key is the client. Errors carry the RFC's
 * `error` member beside the problem+json fields, so OAuth libraries understand them too.
 */
export function oauthRoutes(keys: KeyService, tokens: TokenService) {
  return async function routes(app: App): Promise<void> {
    // RFC 6749 §4.4.2: the token request is form-encoded. Only this route accepts forms.
    await app.register(formbody);
    app.post(
      '/oauth/token',
      {
        schema: {
          tags: [TAG.auth],
          // Its own client authentication (RFC 6749 §2.3.1), answered with INVALID_CLIENT.
          security: [],
          summary: 'Exchange an API key for a short-lived Bearer token (client_credentials)',
          description:
            'The key authenticates as HTTP Basic (key id and secret), or as client_id and client_secret in the body. The token is sent as `Authorization: Bearer …` until it expires; revoking the key ends it at once.',
          consumes: ['application/json', 'application/x-www-form-urlencoded'],
          body: TokenBody,
          response: {
            200: Type.Object({ access_token: Type.String(), token_type: Type.Literal('Bearer'), expires_in: Type.Integer({ description: 'Seconds' }) }, { examples: [tokenExample] }),
            ...publicProblems('INVALID_CLIENT', 'UNSUPPORTED_GRANT_TYPE', 'UNSUPPORTED_MEDIA_TYPE'),
          },
        },
      },
      async (req, reply) => {
        reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
        const b = req.body;
        if (b.grant_type !== 'client_credentials') {
          throw new AppError('UNSUPPORTED_GRANT_TYPE', 'only grant_type=client_credentials is supported', { error: 'unsupported_grant_type' });
        }
        const basic = parseBasic(req.headers.authorization);
        // RFC 6749 §2.3.1 lets the client put its credentials in the body when it cannot use Basic.
        const id = basic?.id ?? b.client_id;
        const secret = basic?.secret ?? b.client_secret;
        const principal = id && secret ? await keys.authenticate(id, secret) : undefined;
        if (!principal) {
          reply.header('www-authenticate', 'Basic realm="verity"');
          throw new AppError('INVALID_CLIENT', 'client authentication failed', { error: 'invalid_client' });
        }
        return tokens.issue(principal);
      },
    );
  };
}
