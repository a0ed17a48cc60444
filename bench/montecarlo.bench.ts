/**
 * Monte Carlo (issue 8): 10,000 paths over 1,000 trades (or per-bar returns) per method, in one thread.
 * Target: under 1 s each.
 */
import { mulberry32 } from '../src/data/synthetic.js';
import { mergeMonteCarlo, monteCarlo, MONTE_CARLO_METHODS, type MonteCarloOptions } from '../src/research/montecarlo/index.js';
import { built, check, measure, report, type Measurement } from './harness.js';

const RUNS = 10_000;
const STEPS = 1_000;

/** 1,000 returns with a small edge and mixed signs, like a trend strategy's trades. */
function sampleReturns(): Float64Array {
  const rand = mulberry32(7);
  const out = new Float64Array(STEPS);
  for (let i = 0; i < STEPS; i++) out[i] = 0.03 * (rand() - 0.48);
  return out;
}

export async function monteCarloBenchmarks(): Promise<Measurement[]> {
  const series = sampleReturns();
  const options = (method: MonteCarloOptions['method']): MonteCarloOptions => ({ trades: series, returns: series, initialEquity: 10_000, method, runs: RUNS, seed: 42 });

  // Correctness first: permutation keeps the final equity, and two halves merge into the whole run.
  const permuted = monteCarlo(options('permute'));
  const final = permuted.bands.p50[permuted.bands.p50.length - 1] / 10_000 - 1;
  check(Math.abs(final - permuted.actual.finalReturn) < 1e-12 * (1 + Math.abs(final)), `permutation keeps the final return (${final} vs ${permuted.actual.finalReturn})`);
  const whole = monteCarlo(options('block'));
  const merged = mergeMonteCarlo([monteCarlo({ ...options('block'), pathRange: [5_000, RUNS] }), monteCarlo({ ...options('block'), pathRange: [0, 5_000] })]);
  check(JSON.stringify(merged.maxDrawdown) === JSON.stringify(whole.maxDrawdown) && merged.ruin.ruined === whole.ruin.ruined, 'merged halves equal one run');

  const rows: Measurement[] = [];
  for (const method of MONTE_CARLO_METHODS) {
    rows.push(await measure(`${RUNS} paths x ${STEPS} ${method === 'permute' || method === 'bootstrap' ? 'trades' : 'bars'}, --method ${method}, one thread`, () => monteCarlo(options(method)), { runs: 5, warmup: 1 }));
  }
  // The built module (npm run bench builds first), so the worker threads load plain JavaScript as the CLI's
  // do, not TypeScript through tsx. A pool is started per study: its start is part of the time.
  const { monteCarloParallel } = await built<typeof import('../src/research/montecarlo/parallel.js')>('research/montecarlo/parallel.js');
  const parallel = await monteCarloParallel(options('block'), 2);
  check(JSON.stringify(parallel.sharpe) === JSON.stringify(whole.sharpe), '2 workers give the one-thread result');
  rows.push(await measure(`${RUNS} paths x ${STEPS} bars, --method block, 2 worker threads (pool start included)`, () => monteCarloParallel(options('block'), 2), { runs: 3, warmup: 1 }));
  report('Monte Carlo (issue 8): target under 1 s per method', rows);
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) await monteCarloBenchmarks();
