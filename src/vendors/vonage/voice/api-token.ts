import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Clock } from '../../../lib/clock.js';

// Long enough to outlive one request with retries in flight, short enough to be useless if it leaks.
const TOKEN_TTL_S = 300;

/**
 * The Bearer JWT of a Voice API request (https://developer.vonage.com/en/getting-started/concepts/authentication#json-web-tokens):
 * RS256 with the application's private key, claims application_id, iat, jti and exp. A fresh one
 * per request: signing costs about a millisecond, and nothing long-lived sits in memory.
 */
export function apiToken(applicationId: string, privateKey: KeyObject, clock: Clock): Promise<string> {
  const iat = Math.floor(clock.now() / 1000);
  return new SignJWT({ application_id: applicationId })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuedAt(iat)
    .setJti(randomUUID())
    .setExpirationTime(iat + TOKEN_TTL_S)
    .sign(privateKey);
}
