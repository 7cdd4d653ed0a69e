import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Codes are never stored, only HMAC-SHA256(pepper, verification id ‖ code). Binding the id means
 * one leaked hash says nothing about another verification; the pepper lives outside the
 * database, so a dump alone cannot be brute-forced. The first pepper signs; every pepper
 * verifies, so a pepper can be rotated while older codes are still valid.
 */
export class CodeHasher {
  constructor(private readonly peppers: readonly Buffer[]) {
    if (peppers.length === 0) throw new Error('at least one pepper is required');
  }

  hash(verificationId: string, code: string): string {
    return createHmac('sha256', this.peppers[0] as Buffer)
      .update(verificationId)
      .update(code)
      .digest('base64');
  }

  verify(verificationId: string, code: string, stored: string): boolean {
    const expected = Buffer.from(stored, 'base64');
    let ok = false;
    // Every pepper is tried even after a match so the time taken does not reveal which one matched.
    for (const pepper of this.peppers) {
      const actual = createHmac('sha256', pepper).update(verificationId).update(code).digest();
      if (actual.length === expected.length && timingSafeEqual(actual, expected)) ok = true;
    }
    return ok;
  }
}
