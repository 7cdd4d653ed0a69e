import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TallyCounter } from '../../src/http/tally-counter.js';

describe('TallyCounter', () => {
  it('shows every increment when the registry is read, and keeps counting across reads', async () => {
    const registry = new Registry();
    const c = new TallyCounter({ name: 't_total', help: 'h', labelNames: ['outcome', 'reason'], registry });
    const inc = (outcome: string, reason: string) => c.inc(`${outcome} ${reason}`, () => ({ outcome, reason }));
    expect(await registry.metrics()).not.toMatch(/^t_total\{/m);
    inc('allowed', 'none');
    inc('allowed', 'none');
    inc('refused', 'volume');
    let text = await registry.metrics();
    expect(text).toContain('t_total{outcome="allowed",reason="none"} 2');
    expect(text).toContain('t_total{outcome="refused",reason="volume"} 1');
    inc('allowed', 'none');
    text = await registry.metrics();
    expect(text).toContain('t_total{outcome="allowed",reason="none"} 3');
    expect(text).toContain('t_total{outcome="refused",reason="volume"} 1');
  });
});
