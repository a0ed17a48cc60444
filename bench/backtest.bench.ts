import { spawnSync } from 'node:child_process';
import { benchmarkBars } from '../src/data/synthetic.js';
import { runBacktest } from '../src/strategies/backtest.js';
import { simulate } from '../src/engine/simulate.js';
import { crossesInto, sma, smaInto } from '../src/indicators/index.js';
import { computeMetrics } from '../src/engine/metrics.js';
import { crossSignals } from '../src/strategies/signals.js';
import { builtinStrategy } from '../src/strategies/registry.js';
import { check, measure, report, type Measurement } from './harness.js';
import { fusedSmaCross } from './reference-loop.js';

const smaCross = builtinStrategy('sma-cross')!;
const spec = { strategy: smaCross, params: { fast: 10, slow: 50 }, sim: { fill: 'close' as const, feeRate: 0.001 }, periodsPerYear: 525_600 };

export async function backtestBenchmarks(): Promise<Measurement[]> {
  // Correctness first: the standard workload's published result.
  const golden = runBacktest(benchmarkBars(100_000), spec);
  const closed = golden.result.trades.count - golden.result.trades.isOpen.reduce((a, b) => a + b, 0);
  check(closed === 1416 && Math.abs(golden.result.finalEquity - 752.874407593) < 1e-6, `N=100k gives ${closed} trades and ${golden.result.finalEquity}`);

  const rows: Measurement[] = [];
  for (const n of [100_000, 1_000_000]) {
    const bars = benchmarkBars(n);
    const label = n === 100_000 ? '100k' : '1M';
    rows.push(await measure(`sma-cross backtest, N=${label}: indicators + signals + simulation + all metrics`, () => runBacktest(bars, spec), { runs: 21, warmup: 5 }));
    // The same work with every output buffer allocated once and reused (the path a parameter sweep takes: its
    // trials ask for equity only, so cash and position are not written): shows how much of the time is
    // allocating fresh arrays rather than the passes over the data.
    const fast = new Float64Array(n), slow = new Float64Array(n), up = new Uint8Array(n), down = new Uint8Array(n);
    const buffers = { equity: new Float64Array(n) };
    const reused = () => {
      smaInto(fast, bars.close, 10);
      smaInto(slow, bars.close, 50);
      crossesInto(up, down, fast, slow);
      const r = simulate(bars, { entries: up, exits: down }, { fill: 'close', feeRate: 0.001 }, buffers);
      return computeMetrics({ time: bars.time, equity: r.equity, trades: r.trades, exposureBars: r.exposureBars, feesPaid: r.feesPaid, initialCash: 10_000, benchmarkClose: bars.close }, { periodsPerYear: 525_600 });
    };
    check(reused().finalEquity === runBacktest(bars, spec).metrics.finalEquity, 'the reused-buffer path gives the same result');
    rows.push(await measure(`  the same with output buffers reused across runs (a sweep's path), N=${label}`, reused, { runs: 21, warmup: 5 }));
    // A sweep trial asks only for its objective and constraints: computeMetrics skips the passes they do not read.
    const cross = crossSignals(sma(bars.close, 10), sma(bars.close, 50));
    const r = simulate(bars, { entries: cross.entries, exits: cross.exits }, { fill: 'close', feeRate: 0.001 });
    const input = { time: bars.time, equity: r.equity, trades: r.trades, exposureBars: r.exposureBars, feesPaid: r.feesPaid, initialCash: 10_000, benchmarkClose: bars.close };
    const full = computeMetrics(input, { periodsPerYear: 525_600 });
    const some = computeMetrics(input, { periodsPerYear: 525_600, only: ['sharpe', 'tradeCount'] });
    check(some.sharpe === full.sharpe && some.tradeCount === full.tradeCount, 'metrics on demand give the full values');
    rows.push(await measure(`  all metrics of one run, N=${label}`, () => computeMetrics(input, { periodsPerYear: 525_600 }), { runs: 21, warmup: 5 }));
    rows.push(await measure(`  only sharpe + tradeCount (a sweep trial's objective and constraint), N=${label}`, () => computeMetrics(input, { periodsPerYear: 525_600, only: ['sharpe', 'tradeCount'] }), { runs: 21, warmup: 5 }));
    const ref = fusedSmaCross(bars.close, 10, 50, 0.001, 10_000);
    check(Math.abs(ref.finalValue - runBacktest(bars, spec).result.finalEquity) < 1e-6 * ref.finalValue, 'the reference loop agrees with the engine');
    rows.push(await measure(`  plain fused reference loop (SMA + cross + simulation), N=${label}`, () => fusedSmaCross(bars.close, 10, 50, 0.001, 10_000), { runs: 21, warmup: 5 }));
    const { entries, exits } = crossSignals(sma(bars.close, 10), sma(bars.close, 50));
    const signals = { entries, exits };
    const stops = { stopLoss: { kind: 'pct', value: 0.02 }, takeProfit: { kind: 'pct', value: 0.04 }, feeRate: 0.001 } as const;
    const withStops = simulate(bars, signals, stops);
    check(withStops.trades.exitReason.subarray(0, withStops.trades.count).some((r, i, a) => r !== a[0]), 'stops and targets fire');
    rows.push(await measure(`simulation alone with stop-loss 2% + take-profit 4%, N=${label}`, () => simulate(bars, signals, stops), { runs: 21, warmup: 5 }));
  }
  report('Backtest (issue 3): the standard workload of BENCHMARK.md (vectorbt: 15.7 ms / 48.8 ms; with stats 37.6 / 140 ms)', rows);

  // Peak memory of a 10M-bar single-asset backtest, in a fresh process so nothing else is counted.
  const child = spawnSync(process.execPath, ['--import', 'tsx', 'bench/memory-10m.ts'], { encoding: 'utf8' });
  check(child.status === 0, `the 10M-bar run failed: ${child.stderr}`);
  console.log(child.stdout.trim());
  return rows;
}
