import { describe, expect, it } from 'vitest';
import { SetupTimes, summarizeSetup } from '../bench/measure/setup.ts';

describe('connection setup', () => {
  it('merges the workers\' join times and averages bytes per new connection over the joins', () => {
    const a = new SetupTimes();
    a.joined(10, { sent: 300, received: 500 });
    a.joined(30, { sent: 310, received: 490 });
    const b = new SetupTimes();
    b.joined(20, { sent: 1190, received: 510 });
    const s = summarizeSetup([a.encoded(), undefined, b.encoded()]);
    expect(s?.joinedMs.count).toBe(3);
    expect(s?.joinedMs.p50).toBeCloseTo(20, 0);
    expect(s?.bytesPerConnection).toEqual({ sent: 600, received: 500 });
  });

  it('has no bytes figure from workers that sent none (older results)', () => {
    const t = new SetupTimes();
    t.joined(5);
    expect(summarizeSetup([t.encoded()])?.bytesPerConnection).toBeUndefined();
    expect(summarizeSetup([undefined])).toBeUndefined();
  });
});
