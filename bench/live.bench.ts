import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchmarkBars } from '../src/data/synthetic.js';
import { barAt } from '../src/live/history.js';
import { paperRunner } from '../src/live/paper-run.js';
import { runParity } from '../src/live/parity.js';
import { ReplayFeed } from '../src/live/replay-feed.js';
import { runPaperSession } from '../src/live/session.js';
import { builtinStrategy } from '../src/strategies/registry.js';
import { check, report, type Measurement } from './harness.js';

const smaCross = builtinStrategy('sma-cross')!;

/** The two figures: closed bar -> order at the broker with 100,000 bars of history; a 20,000-bar replay. */
export async function liveBenchmarks(): Promise<Measurement[]> {
  const rows: Measurement[] = [];

  // Latency: a runner holding 100,000 bars steps through 400 more; each step is timed (signals over the whole
  // history, the engine's decision, the risk guard, the journal entry written, the order at the paper broker).
  const bars = benchmarkBars(100_400);
  const spec = { runId: 'bench', strategy: smaCross, params: { fast: 10, slow: 50 }, periodsPerYear: 525_600, symbol: 'BENCH', timeframe: '1m' };
  let lines = 0;
  const runner = paperRunner(spec, new ReplayFeed(bars, { from: 100_400 }), { append: (e) => void (lines += JSON.stringify(e).length) });
  for (let t = 0; t < 100_000; t++) runner.history.append(barAt(bars, t));
  const times: number[] = [];
  const orderTimes: number[] = [];
  let ordered = 0;
  for (let t = 100_000; t < 100_400; t++) {
    const before = runner['orders' as keyof typeof runner] as unknown as number;
    const t0 = performance.now();
    await runner.step(barAt(bars, t));
    const ms = performance.now() - t0;
    times.push(ms);
    if ((runner['orders' as keyof typeof runner] as unknown as number) > before) {
      ordered++;
      orderTimes.push(ms);
    }
  }
  check(ordered > 0 && lines > 0, 'the latency run sent no order');
  times.sort((a, b) => a - b);
  rows.push({ name: 'closed bar -> order at the paper broker, 100k bars of history, sma-cross (per bar)', medianMs: times[times.length >> 1], minMs: times[0], runs: times.length, note: `p99 ${times[Math.floor(times.length * 0.99)].toFixed(2)} ms; the ${ordered} bars that sent an order: max ${Math.max(...orderTimes).toFixed(2)} ms` });

  // A 20,000-bar replay end to end through rrr paper's session: CSV read, runner, paper broker, journal file.
  const dir = mkdtempSync(join(tmpdir(), 'rrr-bench-live-'));
  const replay = benchmarkBars(20_000);
  const csv = ['time,open,high,low,close,volume'];
  for (let t = 0; t < replay.length; t++) csv.push(`${new Date(replay.time[t]).toISOString()},${replay.open[t]},${replay.high[t]},${replay.low[t]},${replay.close[t]},${replay.volume[t]}`);
  const file = join(dir, 'bars.csv');
  writeFileSync(file, csv.join('\n'));
  const db = join(dir, '.rrr', 'rrr.duckdb');
  const t0 = performance.now();
  const run = await runPaperSession({ db, job: { strategy: 'sma-cross', files: [file], db, sim: { feeRate: 0.001 } } });
  const ms = performance.now() - t0;
  check(run.bars === 20_000 && run.status.fills > 0, `the replay saw ${run.bars} bars`);
  rows.push({ name: '20,000-bar replay through rrr paper (session, runner, paper broker, journal)', medianMs: ms, minMs: ms, runs: 1, note: `${run.status.fills} fills` });
  const parity = await runParity({ strategy: smaCross, periodsPerYear: 525_600, bars: replay, sim: { feeRate: 0.001 } });
  check(parity.identical, 'the replay differs from the backtest');

  report('Paper and live runner', rows);
  return rows;
}
