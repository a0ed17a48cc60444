import { describe, expect, it } from 'vitest';
import { sliceBars, type Bars } from '../../src/data/bars.js';
import { BUILTIN_STRATEGIES } from '../../src/strategies/registry.js';
import { strategyParams, type AnyStrategy } from '../../src/strategies/define.js';
import { describeShared, readCsvBars, readSharedCsv } from '../helpers/shared.js';

const context = { periodsPerYear: 365 };
const SIGNAL_KEYS = ['entries', 'exits', 'shortEntries', 'shortExits'] as const;

/** Signals (or weights) computed on the first k bars must equal the first k computed on all bars. */
function checkNoLookahead(strategy: AnyStrategy, series: Bars[], ks: number[]): number {
  const p = strategyParams(strategy, {});
  let signalsSeen = 0;
  if (strategy.signals) {
    const full = strategy.signals(series[0], p, context);
    for (const key of SIGNAL_KEYS) signalsSeen += full[key]?.reduce((a, b) => a + b, 0) ?? 0;
    for (const k of ks) {
      const part = strategy.signals(sliceBars(series[0], 0, k), p, context);
      for (const key of SIGNAL_KEYS) expect(Array.from(part[key] ?? []), `${strategy.name} ${key} k=${k}`).toEqual(Array.from(full[key]?.subarray(0, k) ?? []));
    }
  } else {
    const full = strategy.weights!(series, p, context);
    for (const w of full) for (const x of w) if (!Number.isNaN(x)) signalsSeen++;
    for (const k of ks) {
      const part = strategy.weights!(series.map((b) => sliceBars(b, 0, k)), p, context);
      part.forEach((w, a) => expect(Array.from(w), `${strategy.name} asset ${a} k=${k}`).toEqual(Array.from(full[a].subarray(0, k))));
    }
  }
  return signalsSeen;
}

const demo = () => ['demo-a_1d.csv', 'demo-b_1d.csv'].map((f) => readCsvBars(`datasets/${f}`));
const ks = (n: number) => Array.from({ length: 25 }, (_, j) => Math.max(1, Math.round(((j + 1) * n) / 26)));

describe('no built-in strategy looks ahead (demo data)', () => {
  it.each(BUILTIN_STRATEGIES.map((s) => [s.name, s] as const))('%s', (_name, strategy) => {
    const series = demo().slice(0, strategy.assets ?? 1);
    const seen = checkNoLookahead(strategy, series, ks(series[0].length));
    // The check is only meaningful if the strategy actually trades on this data.
    expect(seen).toBeGreaterThan(0);
  });
});

describeShared('no built-in strategy looks ahead (real data)', () => {
  it.each(BUILTIN_STRATEGIES.map((s) => [s.name, s] as const))('%s', (_name, strategy) => {
    const series = strategy.assets === 2 ? [readSharedCsv('orcl_1d.csv'), readSharedCsv('nvda_1d.csv')].map((b) => sliceBars(b, b.length - 4012, b.length)) : [readSharedCsv('btc-usd_1h.csv')];
    expect(checkNoLookahead(strategy, series, ks(series[0].length).slice(0, 12))).toBeGreaterThan(0);
  });
});
