/**
 * Conventions every kernel must keep (CONVENTIONS.md #1, docs/indicators.md): exact warm-up counts,
 * all-NaN (not a throw) when the data is shorter than the warm-up, no look-ahead, missing bars break the
 * series and the indicator restarts after them, Into equals the convenience form, clear RangeErrors.
 */
import { describe, expect, it } from 'vitest';
import * as I from '../../src/indicators/index.js';
import { expectSeriesClose, leadingNaNs, randomOhlcv, type Ohlcv } from './helpers.js';
import { kernelCases, type Field } from './registry.js';

const cases = kernelCases();

function slice(b: Ohlcv, s: number, e: number): Ohlcv {
  return {
    open: b.open.slice(s, e),
    high: b.high.slice(s, e),
    low: b.low.slice(s, e),
    close: b.close.slice(s, e),
    volume: b.volume.slice(s, e),
    length: e - s,
  };
}

describe('indicator conventions', () => {
  const bars = randomOhlcv(7, 400);

  it('covers every function exported by the index', () => {
    const exported = Object.keys(I).filter((k) => !k.endsWith('Into'));
    const covered = new Set(cases.map((c) => c.name.replace(/\(.*$/, '')));
    const notKernels = new Set(['crossover', 'crossunder', 'crossoverLevel', 'crossunderLevel', 'crosses']); // cross.test.ts
    const missing = exported.filter((k) => !covered.has(k) && !notKernels.has(k));
    expect(missing).toEqual([]);
    for (const k of Object.keys(I).filter((k) => !k.endsWith('Into'))) expect(Object.keys(I)).toContain(`${k}Into`);
  });

  for (const c of cases) {
    describe(c.name, () => {
      it('has exactly the documented warm-up and no NaN after it on clean data', () => {
        const outs = c.run(bars);
        expect(outs.length).toBe(c.warmups.length);
        outs.forEach((o, k) => {
          expect(leadingNaNs(o), `output ${k}`).toBe(c.warmups[k]);
          for (let i = c.warmups[k]; i < o.length; i++) if (Number.isNaN(o[i])) expect.fail(`output ${k} NaN at ${i}`);
        });
      });

      it('returns all NaN (no throw) when the data is no longer than the warm-up, then one value per extra bar', () => {
        const w = Math.max(...c.warmups);
        for (const len of [0, 1, 2, w, w + 1, w + 2]) {
          c.run(slice(bars, 0, len)).forEach((o, k) => {
            expect(o.length).toBe(len);
            expect(leadingNaNs(o), `length ${len} output ${k}`).toBe(Math.min(c.warmups[k], len));
          });
        }
      });

      it('never looks ahead: outputs on a prefix equal the first outputs on the whole series', () => {
        const full = c.run(bars);
        for (const k of [1, 17, 60, 201, 399]) {
          const part = c.run(slice(bars, 0, k));
          part.forEach((o, j) => {
            for (let i = 0; i < k; i++) {
              if (!Object.is(o[i], full[j][i])) expect.fail(`prefix ${k} output ${j} index ${i}: ${o[i]} vs ${full[j][i]}`);
            }
          });
        }
      });

      it('Into writes the same values as the convenience form', () => {
        const a = c.run(bars);
        const b = c.runInto(bars);
        a.forEach((o, k) => expectSeriesClose(b[k], o, { rel: 0, label: `output ${k}` }));
      });

      it('treats a missing value in any input it reads as a break and restarts after it', () => {
        const n = bars.length;
        for (const field of c.inputs) {
          const gapped: Ohlcv = slice(bars, 0, n);
          const holes = [3, 120, 121, 200, 260];
          for (const i of holes) gapped[field as Field][i] = i === 200 ? Infinity : NaN;
          const outs = c.run(gapped);
          const runs: Array<[number, number]> = [];
          let s = 0;
          for (const h of [...holes, n]) {
            if (h > s) runs.push([s, h]);
            s = h + 1;
          }
          outs.forEach((o, k) => {
            for (const h of holes) expect(o[h], `${field} hole ${h} output ${k}`).toBeNaN();
          });
          for (const [rs, re] of runs) {
            const alone = c.run(slice(gapped, rs, re));
            outs.forEach((o, k) =>
              expectSeriesClose(o.subarray(rs, re), alone[k], { rel: 1e-9, abs: 1e-9, label: `${field} run ${rs}-${re} output ${k}` }),
            );
          }
        }
      });
    });
  }
});

describe('parameter and length validation', () => {
  const x = new Float64Array(10).fill(1);
  it.each([0, -1, 2.5, NaN, Infinity])('rejects period %s with a RangeError naming it', (bad) => {
    expect(() => I.sma(x, bad)).toThrow(RangeError);
    expect(() => I.sma(x, bad)).toThrow(/^period must be an integer >= 1; got /);
    expect(() => I.rollingStd(x, bad)).toThrow(/^window must be an integer >= 1/);
    expect(() => I.atr(x, x, x, bad)).toThrow(/^period must be/);
  });

  it('names the other parameters', () => {
    expect(() => I.macd(x, 26, 12, 9)).toThrow('fastPeriod must be below slowPeriod; got fastPeriod 26 and slowPeriod 12.');
    expect(() => I.macd(x, 12, 26, 0)).toThrow('signalPeriod must be an integer >= 1; got 0.');
    expect(() => I.stochastic(x, x, x, 14, 0, 3)).toThrow('slowKPeriod must be an integer >= 1; got 0.');
    expect(() => I.hma(x, 1)).toThrow('period must be an integer >= 2; got 1.');
    expect(() => I.rollingRank(x, 1)).toThrow('window must be an integer >= 2; got 1.');
    expect(() => I.linearRegressionSlope(x, 1)).toThrow('period must be an integer >= 2; got 1.');
    expect(() => I.rollingStd(x, 5, 5)).toThrow('ddof must be an integer >= 0 and below window (5); got 5.');
    expect(() => I.bollingerBands(x, 5, -2)).toThrow('multiplier must be a finite number > 0; got -2.');
    expect(() => I.parabolicSar(x, x, 0.3, 0.2)).toThrow('acceleration must not exceed maximum; got acceleration 0.3 and maximum 0.2.');
    expect(() => I.parabolicSar(x, x, 0, 0.2)).toThrow('acceleration must be a finite number > 0; got 0.');
    expect(() => I.crossoverLevel(x, NaN)).toThrow('level must be a finite number; got NaN.');
    expect(() => I.kama(x, 10, 0)).toThrow('fastPeriod must be an integer >= 1; got 0.');
  });

  it('rejects buffers and inputs of different lengths', () => {
    expect(() => I.smaInto(new Float64Array(9), x, 3)).toThrow('out has 9 values but the input has 10; pass arrays of equal length.');
    expect(() => I.atr(x, new Float64Array(3), x)).toThrow(/^low has 3 values/);
    expect(() => I.crossover(x, new Float64Array(4))).toThrow(/^b has 4 values/);
  });

  it('returns the buffer it was given', () => {
    const out = new Float64Array(10);
    expect(I.emaInto(out, x, 3)).toBe(out);
  });
});
