import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { SilentStateError } from '../definition.js';

export interface StateClaims {
  verificationId: string;
  msisdn: string;
  /** Epoch ms after which the redirect back is refused. */
  expiresAt: number;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
// A sealed state is about 130 characters; anything much longer was not made here.
const MAX_STATE_CHARS = 1024;

/**
 * The OAuth `state`, sealed with AES-256-GCM: the operator and the device carry it, so it must
 * hide the number and refuse any change. The key is derived from the configured stateKey; the
 * client id is bound in as associated data, so a state made for one operator is refused by another.
 */
export class StateSealer {
  private readonly key: Buffer;
  private readonly aad: Buffer;

  constructor(stateKey: string, clientId: string) {
    this.key = Buffer.from(hkdfSync('sha256', stateKey, Buffer.alloc(0), 'verity camara state v1', 32));
    this.aad = Buffer.from(clientId);
  }

  seal(claims: StateClaims): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(this.aad);
    const plain = JSON.stringify({ v: claims.verificationId, m: claims.msisdn, e: claims.expiresAt });
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
  }

  /** The claims of a state sealed here and not yet expired; throws SilentStateError otherwise. */
  open(state: string | undefined, now: number): StateClaims {
    if (!state || state.length > MAX_STATE_CHARS || !/^[A-Za-z0-9_-]+$/.test(state)) throw new SilentStateError('missing or malformed state');
    const raw = Buffer.from(state, 'base64url');
    if (raw.length <= IV_BYTES + TAG_BYTES) throw new SilentStateError('missing or malformed state');
    let claims: unknown;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES)).setAAD(this.aad);
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
      claims = JSON.parse(plain.toString('utf8'));
    } catch {
      throw new SilentStateError('the state was not issued by this server or was altered');
    }
    const c = claims as { v?: unknown; m?: unknown; e?: unknown };
    if (typeof c.v !== 'string' || typeof c.m !== 'string' || typeof c.e !== 'number') throw new SilentStateError('the state was not issued by this server or was altered');
    if (now >= c.e) throw new SilentStateError('the state has expired; start the verification again');
    return { verificationId: c.v, msisdn: c.m, expiresAt: c.e };
  }
}
