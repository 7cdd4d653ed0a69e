import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, type JWTPayload } from 'jose';
import type { DatabaseHandle } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';

const ISSUER = 'verity';
const AUDIENCE = 'number-verification';
export const CODE_TTL_S = 60;
export const TOKEN_TTL_S = 300; // the spec's ceiling for a Number Verification token

export interface NvGrant {
  msisdn: string;
  clientId: string;
  scope: string[];
}

/**
 * The authorization code and the access token of Number Verification: HS256 JWTs of their own
 * audience (never accepted as API tokens, and API tokens never accepted here), each usable once —
 * its id is recorded when spent, and a second use fails on the primary key.
 */
export class NvTokens {
  constructor(
    private readonly key: Uint8Array,
    private readonly handle: DatabaseHandle,
    private readonly clock: Clock,
  ) {}

  issue(kind: 'code' | 'access', grant: NvGrant): Promise<string> {
    const now = Math.floor(this.clock.now() / 1000);
    return new SignJWT({ kind, msisdn: grant.msisdn, scope: grant.scope.join(' '), amr: ['network'] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(grant.clientId)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + (kind === 'code' ? CODE_TTL_S : TOKEN_TTL_S))
      .sign(this.key);
  }

  /** The grant of a valid, unspent code or token of `kind`, spending it; undefined otherwise. */
  async spend(kind: 'code' | 'access', token: string): Promise<NvGrant | undefined> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], currentDate: new Date(this.clock.now()) }));
    } catch {
      return undefined;
    }
    if (payload.kind !== kind || typeof payload.msisdn !== 'string' || typeof payload.sub !== 'string' || typeof payload.jti !== 'string') return undefined;
    const jti = payload.jti;
    const expiresAt = (payload.exp ?? 0) * 1000;
    try {
      await this.handle.write((trx) => trx.insertInto('spent_tokens').values({ jti, expires_at: expiresAt }).execute());
    } catch {
      return undefined; // already spent
    }
    return {
      msisdn: payload.msisdn,
      clientId: payload.sub,
      scope: String(payload.scope ?? '')
        .split(' ')
        .filter(Boolean),
    };
  }

  async purge(now: number): Promise<void> {
    await this.handle.write((trx) => trx.deleteFrom('spent_tokens').where('expires_at', '<', now).execute());
  }
}
