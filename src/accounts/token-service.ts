import { SignJWT, jwtVerify } from 'jose';
import type { Clock } from '../lib/clock.js';
import type { KeyService } from './key-service.js';
import type { Principal } from '../http/types.js';

const ISSUER = 'verity';
const AUDIENCE = 'verity-api';

/** OAuth2 client-credentials access tokens (RFC 6749 §4.4): short-lived HS256 JWTs. */
export class TokenService {
  constructor(
    private readonly key: Uint8Array,
    private readonly ttlS: number,
    private readonly keys: KeyService,
    private readonly clock: Clock,
  ) {}

  async issue(p: Principal): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number }> {
    const now = Math.floor(this.clock.now() / 1000);
    const token = await new SignJWT({ acc: p.accountId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(p.keyId)
      .setIssuedAt(now)
      .setExpirationTime(now + this.ttlS)
      .sign(this.key);
    return { access_token: token, token_type: 'Bearer', expires_in: this.ttlS };
  }

  /** The principal behind a token, or undefined when the token is invalid, expired or its key revoked. */
  async verify(token: string): Promise<Principal | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: new Date(this.clock.now()),
      });
      if (typeof payload.sub !== 'string') return undefined;
      const p = await this.keys.lookup(payload.sub);
      return p && p.accountId === payload.acc ? p : undefined;
    } catch {
      return undefined;
    }
  }
}
