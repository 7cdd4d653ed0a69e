import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 64 * 1024;
let pool = Buffer.allocUnsafe(0);
let offset = 0;

/**
 * Bytes from the CSPRNG, drawn from a pool refilled 64 KiB at a time: asking the kernel for a
 * few bytes per id or IV costs far more than the bytes themselves. The pool is never reused;
 * each byte is handed out once.
 */
export function randomBytesPooled(size: number): Buffer {
  if (size > POOL_SIZE) throw new RangeError('request too large for the random pool');
  if (offset + size > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_SIZE));
    offset = 0;
  }
  const out = pool.subarray(offset, offset + size);
  offset += size;
  return out;
}
