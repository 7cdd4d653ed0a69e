/**
 * The one build routine every adapter family goes through (PROVIDERS, SILENT_ROUTES): every
 * entry is checked against its definition, every problem is reported at once, and option values
 * never appear in what is reported.
 */
import { pino } from 'pino';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config.js';
import { buildAdapters, type AdapterDefinition } from '../../src/kernel/adapter.js';
import { ManualClock } from '../../src/lib/clock.js';
import { OutboundGuard } from '../../src/outbound/outbound-guard.js';
import { buildProviders } from '../../src/providers/index.js';

const SECRET = 'never-printed-secret-7f6e5d';

/** A tiny adapter kind: `size` must be a positive integer, and a `size` over 9 is refused by the factory. */
const boxes: AdapterDefinition<{ size: number; label: string }, { size: number; label: string; owner: string }, { owner: string }> = {
  type: 'box',
  options: Type.Object({ size: Type.Integer({ minimum: 1 }), label: Type.String({ default: 'plain' }) }),
  secrets: [],
  create: (options, ctx) => {
    if (options.size > 9) throw new Error('box: size over 9 does not fit');
    return { ...options, owner: ctx.owner };
  },
};
const types = new Map([[boxes.type, boxes as AdapterDefinition<never, { size: number; label: string; owner: string }, { owner: string }>]]);
const how = { context: (e: { name: string }) => ({ owner: `ctx-${e.name}` }), unknownType: (t: unknown) => `no kind ${String(t)}` };

describe('adapter build', () => {
  it('creates every entry in order, with its defaults filled in and its own context', () => {
    const { built, problems } = buildAdapters(
      [
        { where: 'BOXES[0]', name: 'a', type: 'box', options: { size: 2 } },
        { where: 'BOXES[1]', name: 'b', type: 'box', options: { size: 3, label: 'gift' } },
      ],
      types,
      how,
    );
    expect(problems).toEqual([]);
    expect(built.map((b) => b.instance)).toEqual([
      { size: 2, label: 'plain', owner: 'ctx-a' },
      { size: 3, label: 'gift', owner: 'ctx-b' },
    ]);
  });

  it('reports an unknown kind, a refused option and a refusing factory together, each naming its entry', () => {
    const { built, problems } = buildAdapters(
      [
        { where: 'BOXES[0]', name: 'a', type: 'crate', options: {} },
        { where: 'BOXES[1]', name: 'b', type: 'box', options: { size: SECRET } },
        { where: 'BOXES[2]', name: 'c', type: 'box', options: { size: 12 } },
        { where: 'BOXES[3]', name: 'd', type: 'box', options: { size: 1 } },
      ],
      types,
      how,
    );
    expect(built.map((b) => b.entry.name)).toEqual(['d']);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe('BOXES[0] (a): no kind crate');
    expect(problems[1]).toMatch(/^BOXES\[1\] \(b\): \/size /);
    expect(problems[2]).toBe('BOXES[2] (c): box: size over 9 does not fit');
    expect(problems.join('\n')).not.toContain(SECRET);
  });

  it('reports a provider whose factory refuses its options as a configuration problem of that entry, with the others', () => {
    const ctx = { log: pino({ level: 'silent' }), clock: new ManualClock(), publicUrl: 'https://verity.example.com', onReceipt: () => undefined, outbound: new OutboundGuard(true) };
    const garbage = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(SECRET).toString('base64')}\n-----END PRIVATE KEY-----`;
    let thrown: unknown;
    try {
      buildProviders(
        [
          { name: 'vv', type: 'vonage-voice', applicationId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', privateKey: garbage, from: '447700900001' },
          { name: 'tw', type: 'twilio', authToken: SECRET },
        ],
        ctx,
      );
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const message = (thrown as ConfigError).message;
    expect(message).toContain('PROVIDERS[0] (vv): ');
    expect(message).toMatch(/privateKey is not a PEM private key/);
    expect(message).toContain('PROVIDERS[1] (tw): ');
    for (const secret of [SECRET, Buffer.from(SECRET).toString('base64')]) expect(message).not.toContain(secret);
  });
});
