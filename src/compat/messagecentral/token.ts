import { createHmac, timingSafeEqual } from 'node:crypto';
import { decodeJwt, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../../lib/clock.js';
import type { VendorCredential, VendorCredentials } from '../credentials/vendor-credentials.js';

/**
 * The HS512 key of one credential's tokens. Bound to the credential's id and password, so that a
 * deleted credential, or a new one issued under the same customerId, does not accept old tokens.
 * Keyed with the server's key when there is one, else with the password itself.
 */
function tokenKey(cred: VendorCredential, serverKey: Uint8Array | undefined): Uint8Array {
  return createHmac('sha512', serverKey ?? Buffer.from(cred.secret, 'utf8'))
    .update(`verity messagecentral token\0${cred.id}\0${cred.secret}`)
    .digest();
}

/** Whether `key` is the base64 of the password (a bare `+` in the query arrives as a space). */
export function keyMatches(key: string, secret: string): boolean {
  const given = Buffer.from(key.replaceAll(' ', '+'), 'base64');
  const expected = Buffer.from(secret, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Message Central's tokens: a JWT with header `{"alg":"HS512"}` and payload
 * `{"sub": customerId, "iat", "exp"}`, nothing else, as the vendor's own tokens decode.
 */
export class McTokens {
  constructor(
    private readonly creds: VendorCredentials,
    private readonly clock: Clock,
    private readonly ttlS: number,
    private readonly serverKey: Uint8Array | undefined,
  ) {}

  async issue(cred: VendorCredential): Promise<string> {
    const iat = Math.floor(this.clock.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject(cred.login)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.ttlS)
      .sign(tokenKey(cred, this.serverKey));
  }

  /** The credential behind a valid, unexpired token. */
  async verify(token: string | undefined): Promise<VendorCredential | undefined> {
    if (!token || token.length > 4096) return undefined;
    try {
      const { sub } = decodeJwt(token);
      const cred = typeof sub === 'string' ? await this.creds.find('messagecentral', sub) : undefined;
      if (!cred) return undefined;
      await jwtVerify(token, tokenKey(cred, this.serverKey), { algorithms: ['HS512'], currentDate: new Date(this.clock.now()) });
      return cred;
    } catch {
      return undefined;
    }
  }
}
