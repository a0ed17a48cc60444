/** Run alone (a fresh process): a 10,000,000-bar sma-cross backtest and the process's peak resident memory. */
import { benchmarkBars } from '../src/data/synthetic.js';
import { runBacktest } from '../src/strategies/backtest.js';
import { builtinStrategy } from '../src/strategies/registry.js';

const t0 = performance.now();
const bars = benchmarkBars(10_000_000);
const t1 = performance.now();
const result = runBacktest(bars, { strategy: builtinStrategy('sma-cross')!, params: { fast: 10, slow: 50 }, sim: { feeRate: 0.001 }, periodsPerYear: 525_600 });
const t2 = performance.now();
if (!(result.metrics.tradeCount > 0)) throw new Error('no trades');
const peakMb = process.resourceUsage().maxRSS / 1024;
console.log(`10M bars, single asset: data ${(t1 - t0).toFixed(0)} ms, backtest ${(t2 - t1).toFixed(0)} ms, peak RSS ${peakMb.toFixed(0)} MB (target < 1536 MB; the bars alone are ${(10_000_000 * 48 / 2 ** 20).toFixed(0)} MB)`);
