/**
 * The contract every silent resolver passes: Verity's own operator engine on a real database,
 * and the upstream clients against loopback fakes of their operators' APIs. A harness arranges
 * the operator's side so that a request has a given answer; the contract asks and checks it,
 * following the operator's redirect the way a device does where the resolver sends one.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SilentOutcome } from '../../src/silent/silent-engine.js';
import { SilentStateError } from '../../src/silent/definition.js';
import type { SilentRequest, SilentResolver } from '../../src/silent/silent-resolver.js';

export const OUTCOMES: readonly SilentOutcome[] = ['verified_online', 'verified_offline', 'no_match', 'outside_ranges'];

export interface SilentContractHarness {
  resolver: SilentResolver;
  /** The request whose answer the operator's side, arranged here, makes `outcome`; or why the resolver never answers it. */
  arrange(outcome: SilentOutcome): Promise<SilentRequest | { cannot: string }>;
  /** Whether the resolver sends the device through the operator (network-based authentication), and if not, why not. */
  redirects: true | { cannot: string };
  /** Whether the resolver needs the device's address, and if not, why not. */
  needsDevice: true | { cannot: string };
  /** The same resolver with an upstream that accepts the connection and never answers; absent: why there is none. */
  unanswering?(): Promise<SilentResolver>;
  noUpstream?: string;
  close(): Promise<void>;
}

/** What the device does with a redirect: opens it over its data connection and comes back with the operator's answer. */
async function follow(url: string): Promise<Record<string, string>> {
  const res = await request(url);
  await res.body.dump();
  expect(res.statusCode).toBe(302);
  return Object.fromEntries(new URL(String(res.headers.location)).searchParams);
}

/** The resolver's final answer to a request: at once, or after the device's round trip through the operator. */
async function settle(resolver: SilentResolver, req: SilentRequest): Promise<SilentOutcome | 'error'> {
  const r = await resolver.resolve(req);
  if (!('redirect' in r)) return r.outcome;
  if (!resolver.complete) throw new Error('a resolver that redirects must complete');
  const done = await resolver.complete(await follow(r.redirect));
  expect(done.verificationId).toBe(req.verificationId);
  return done.outcome;
}

export function describeSilentResolverContract(label: string, make: () => Promise<SilentContractHarness>): void {
  describe(`silent resolver contract: ${label}`, () => {
    let h: SilentContractHarness;
    beforeAll(async () => {
      h = await make();
    });
    afterAll(async () => {
      await h?.close();
    });

    it('declares its type', () => {
      expect(h.resolver.type).toMatch(/^[a-z][a-z0-9-]*$/);
    });

    for (const outcome of OUTCOMES) {
      it(`answers ${outcome} when the operator’s data says so`, async (ctx) => {
        const req = await h.arrange(outcome);
        if ('cannot' in req) return ctx.skip(req.cannot);
        expect(await settle(h.resolver, req)).toBe(outcome);
      });
    }

    it('sends the device through the operator and back, and refuses a redirect back whose state was altered', async (ctx) => {
      if (h.redirects !== true) return ctx.skip(h.redirects.cannot);
      const req = await h.arrange('verified_online');
      if ('cannot' in req) throw new Error('a resolver that redirects must verify a number');
      const r = await h.resolver.resolve(req);
      if (!('redirect' in r)) throw new Error('expected a redirect');
      expect(r.redirect).toMatch(/^https?:\/\//);
      const back = await follow(r.redirect);
      expect(Object.values(back).join(' ')).not.toContain(req.msisdn.slice(1));
      const state = back.state ?? '';
      const altered = `${state.slice(0, -2)}${state.endsWith('AA') ? 'BB' : 'AA'}`;
      await expect(h.resolver.complete?.({ ...back, state: altered })).rejects.toBeInstanceOf(SilentStateError);
      expect(await h.resolver.complete?.(back)).toEqual({ verificationId: req.verificationId, outcome: 'verified_online' });
    });

    it('answers at once, without a redirect, when it has none', async (ctx) => {
      if (h.redirects === true) return ctx.skip('this resolver answers through the operator’s redirect');
      const req = await h.arrange('verified_online');
      if ('cannot' in req) throw new Error('every resolver verifies a number');
      expect(await h.resolver.resolve(req)).toEqual({ outcome: 'verified_online' });
    });

    it('reports a request without the device’s address as an error, not an answer', async (ctx) => {
      if (h.needsDevice !== true) return ctx.skip(h.needsDevice.cannot);
      const req = await h.arrange('verified_online');
      if ('cannot' in req) throw new Error('every resolver verifies a number');
      expect(await h.resolver.resolve({ ...req, device: undefined })).toMatchObject({ outcome: 'error' });
    });

    it('reports an upstream that does not answer as an error outcome, within its timeout', async (ctx) => {
      if (!h.unanswering) return ctx.skip(h.noUpstream ?? `${label} has no upstream`);
      const silent = await h.unanswering();
      const req = await h.arrange('verified_online');
      if ('cannot' in req) throw new Error('every resolver verifies a number');
      const started = Date.now();
      expect(await settle(silent, req)).toBe('error');
      expect(Date.now() - started).toBeLessThan(3000);
    });
  });
}
