import { describe, expect, it } from 'vitest';
import { makeBars } from '../../src/data/bars.js';
import { computeLabels, forwardReturn, parseLabels, tripleBarrier } from '../../src/ml/labels.js';

function bars(close: number[], high: number[], low: number[]) {
  return makeBars({ time: Float64Array.from(close, (_, i) => i * 3_600_000), open: Float64Array.from(close), high: Float64Array.from(high), low: Float64Array.from(low), close: Float64Array.from(close), volume: new Float64Array(close.length).fill(1) });
}

describe('labels', () => {
  it('forward returns: ln(close[t+h]/close[t]), NaN where the future is not in the data', () => {
    const r = forwardReturn(Float64Array.from([100, 105, 95, 120]), 2);
    expect(r[0]).toBeCloseTo(Math.log(95 / 100), 15);
    expect(r[1]).toBeCloseTo(Math.log(120 / 105), 15);
    expect(r[2]).toBeNaN();
    expect(r[3]).toBeNaN();
  });

  it('triple barrier: first barrier touched by the high or low wins, 0 at the vertical barrier (hand-worked)', () => {
    // up = down = 5%, horizon 3.
    const close = [100, 101, 102, 99, 100, 100, 100, 100];
    const high = [100, 101, 106, 99, 100, 100, 100, 100]; // bar 2 reaches 105 from bar 0 and 1 (101*1.05=106.05 not reached)
    const low = [100, 101, 102, 94, 100, 100, 100, 100]; // bar 3 reaches 96.9 from bar 1 and 102*0.95=96.9 from bar 2
    const y = tripleBarrier(bars(close, high, low), 0.05, 0.05, 3);
    expect(y[0]).toBe(1); // bar 2 high 106 >= 105 before bar 3's low
    expect(y[1]).toBe(-1); // 106.05 never reached; bar 3 low 94 <= 95.95
    expect(y[2]).toBe(-1); // bar 3 low 94 <= 96.9
    expect(y[3]).toBe(0); // from 99: 103.95 and 94.05 never touched in bars 4..6
    expect(y[4]).toBe(0);
    expect(y[5]).toBeNaN(); // needs bar 8
  });

  it('a bar touching both barriers counts as the stop (conservative)', () => {
    const y = tripleBarrier(bars([100, 100, 100], [100, 110, 100], [100, 90, 100]), 0.05, 0.05, 1);
    expect(y[0]).toBe(-1);
  });

  it('parses forward and triple-barrier specs and names their columns', () => {
    const specs = parseLabels('forward:1,4,24|triple-barrier:up=0.02,down=0.01,horizon=24');
    expect(specs).toEqual([
      { kind: 'forward', horizon: 1 },
      { kind: 'forward', horizon: 4 },
      { kind: 'forward', horizon: 24 },
      { kind: 'triple-barrier', up: 0.02, down: 0.01, horizon: 24 },
    ]);
    const b = bars([1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]);
    expect(computeLabels(b, specs.slice(0, 1).concat(specs.slice(3))).map((l) => l.name)).toEqual(['fwd_1', 'tb_0.02_0.01_24']);
  });

  it('refuses malformed specs in one sentence', () => {
    expect(() => parseLabels('forward:0')).toThrow(/^--labels forward:0: forward needs whole horizons of 1 bar or more/);
    expect(() => parseLabels('backward:1')).toThrow(/^--labels "backward:1" is not a label rrr makes: use forward/);
    expect(() => parseLabels('triple-barrier:up=0.02,horizon=5')).toThrow(/triple-barrier needs up > 0, down between 0 and 1/);
    expect(() => parseLabels('triple-barrier:up=x')).toThrow(/give triple-barrier:up=U,down=D,horizon=H/);
  });
});
