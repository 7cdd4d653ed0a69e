import { createHash, timingSafeEqual } from 'node:crypto';
import type { VendorCredential, VendorCredentials } from '../credentials/vendor-credentials.js';
import type { SmscParams } from './params.js';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();
const md5Hex = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

/** Equal strings, compared in constant time whatever their lengths. */
function same(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

// PostgreSQL text cannot hold NUL, and no login or secret has one.
const present = (v: string | undefined): v is string => v !== undefined && v.length > 0 && v.length <= 256 && !v.includes('\0');

/**
 * The credential behind `login` + `psw` or `apikey`, or undefined. `psw` is the password itself
 * or the hex MD5 of it (node-smsc and the Ruby gem send the MD5); the API key is the
 * credential's secret, so `apikey` alone finds the credential by its secret, and with a login it
 * is checked against that login's secret.
 */
export async function authenticate(creds: Pick<VendorCredentials, 'find' | 'findBySecret'>, p: SmscParams): Promise<VendorCredential | undefined> {
  const login = p.get('login');
  const psw = p.get('psw');
  const apikey = p.get('apikey');
  if (present(apikey)) {
    const cred = present(login) ? await creds.find('smsc', login) : await creds.findBySecret('smsc', apikey);
    return cred && same(apikey, cred.secret) ? cred : undefined;
  }
  if (!present(login) || !present(psw)) return undefined;
  const cred = await creds.find('smsc', login);
  if (!cred) return undefined;
  // Both comparisons run, so the timing does not tell which form matched.
  const plain = same(psw, cred.secret);
  const hashed = same(psw.toLowerCase(), md5Hex(cred.secret));
  return plain || hashed ? cred : undefined;
}
