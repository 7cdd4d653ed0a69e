import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CodeHasher } from './code-hasher.js';
import { Sealer } from './sealer.js';

const oldPepper = Buffer.from('old-pepper-0123456789abcdef0123456789');
const newPepper = Buffer.from('new-pepper-0123456789abcdef0123456789');

describe('code hashes', () => {
  it('verifies the right code and rejects a wrong one', () => {
    const h = new CodeHasher([newPepper]);
    const stored = h.hash('ver_a', '123456');
    expect(h.verify('ver_a', '123456', stored)).toBe(true);
    expect(h.verify('ver_a', '123457', stored)).toBe(false);
  });

  it('binds the hash to the verification id', () => {
    const h = new CodeHasher([newPepper]);
    expect(h.verify('ver_b', '123456', h.hash('ver_a', '123456'))).toBe(false);
  });

  it('still verifies codes signed with an older pepper after rotation, and signs with the new one', () => {
    const before = new CodeHasher([oldPepper]).hash('ver_a', '123456');
    const rotated = new CodeHasher([newPepper, oldPepper]);
    expect(rotated.verify('ver_a', '123456', before)).toBe(true);
    expect(new CodeHasher([oldPepper]).verify('ver_a', '123456', rotated.hash('ver_a', '123456'))).toBe(false);
  });

  it('does not contain the code', () => {
    expect(new CodeHasher([newPepper]).hash('ver_a', '123456')).not.toContain('123456');
  });
});

describe('sealed values', () => {
  const sealer = new Sealer(randomBytes(32));

  it('opens what it sealed for the same row', () => {
    expect(sealer.open(sealer.seal('424242', 'ver_a'), 'ver_a')).toBe('424242');
  });

  it('refuses a sealed value moved to another row', () => {
    expect(() => sealer.open(sealer.seal('424242', 'ver_a'), 'ver_b')).toThrow();
  });

  it('refuses a tampered value and a different key', () => {
    const s = sealer.seal('424242', 'ver_a');
    const parts = s.split('.');
    parts[2] = Buffer.from('999999').toString('base64url');
    expect(() => sealer.open(parts.join('.'), 'ver_a')).toThrow();
    expect(() => new Sealer(randomBytes(32)).open(s, 'ver_a')).toThrow();
  });

  it('never repeats a ciphertext for the same code', () => {
    expect(sealer.seal('424242', 'ver_a')).not.toBe(sealer.seal('424242', 'ver_a'));
  });
});
