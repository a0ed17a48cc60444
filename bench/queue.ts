/**
 * Queue overhead (issue 9): 10,000 sma-cross trials on 100,000 bars with 2 local queue worker threads against
 * the same sweep on a 2-worker piscina pool (target: at most 10% slower). Needs redis-server; starts its own on
 * a free port. Run: npx tsx bench/queue.ts [trials]
 */
import { benchmarkBars } from '../src/data/synthetic.js';
import { parseQueueUrl, QueueEvaluator, queueSearchBatch, startWorker } from '../src/research/queue/index.js';
import { PoolEvaluator, toSharedBars, type Evaluator, type SweepSpec, type TrialOutput } from '../src/research/sweep/index.js';
import { startRedis } from '../test/helpers/redis.js';
import { tenThousand } from './sweep.bench.js';
import { check, report, type Measurement } from './harness.js';

const SPEC: SweepSpec = { strategy: 'sma-cross', sim: { fill: 'close', feeRate: 0.001 }, periodsPerYear: 525_600, metrics: ['finalEquity'], pboSplits: 0 };
const n = 100_000;
const bars = toSharedBars([benchmarkBars(n)]);
const trials = tenThousand().slice(0, Number(process.argv[2] ?? 10_000));

/** The trials as `rrr optimize` hands them to its evaluator: `batch` at a time. */
async function sweep(evaluator: Evaluator, batch: number): Promise<TrialOutput[]> {
  const out: TrialOutput[] = [];
  for (let i = 0; i < trials.length; i += batch) out.push(...(await evaluator.run(SPEC, { from: 0, to: n }, trials.slice(i, i + batch))));
  return out;
}

const rows: Measurement[] = [];
const time = async (name: string, run: () => Promise<TrialOutput[]>, reference?: TrialOutput[]) => {
  const t0 = performance.now();
  const out = await run();
  const ms = performance.now() - t0;
  check(out.length === trials.length && out.every((o) => o.error === undefined), `${name}: every trial ran`);
  if (reference) check(JSON.stringify(out) === JSON.stringify(reference), `${name}: the pool's results`);
  rows.push({ name, medianMs: ms, minMs: ms, runs: 1 });
  return out;
};

const pool = new PoolEvaluator(2);
await pool.load(bars);
await pool.warm(SPEC.strategy);
const reference = await time(`${trials.length} sma-cross trials, N=100k, 2-thread piscina pool, all in one run()`, () => sweep(pool, trials.length));
await pool.close();
const pool2 = new PoolEvaluator(2);
await pool2.load(bars);
await pool2.warm(SPEC.strategy);
await time(`  the same, as rrr optimize batches it (32 trials per run())`, () => sweep(pool2, 32), reference);
await pool2.close();

const redis = await startRedis();
try {
  for (const [label, batch] of [
    ['as rrr optimize --queue batches it (1,024 trials per run())', queueSearchBatch('grid', 2)],
    ['all in one run()', trials.length],
  ] as const) {
    const url = parseQueueUrl(`${redis.url}?name=bench-${batch}`);
    // Fresh worker threads per measurement, as the pool: no run profits from another's indicator cache.
    const worker = await startWorker(url, { concurrency: 2, stallSeconds: 30 });
    const queue = await QueueEvaluator.open(url, { study: 'bench' });
    try {
      const t0 = performance.now();
      await queue.load(bars);
      const publish = performance.now() - t0;
      // Warm, as the pool is: every thread has loaded its modules, the bars and the strategy before the clock starts.
      await queue.run(SPEC, { from: 0, to: n }, trials.slice(0, 4).map((t) => ({ ...t, number: -1 - t.number })));
      await time(`${trials.length} trials on the queue, 2 worker threads, ${label} (publish ${publish.toFixed(0)} ms included)`, async () => {
        await queue.load(bars);
        return sweep(queue, batch);
      }, reference);
    } finally {
      await queue.close();
      await worker.stop();
    }
  }
} finally {
  await redis.close();
}
const pooled = rows[0].medianMs;
for (const row of rows.slice(2)) rows.push({ ...row, name: `  queue / pool: ${(row.medianMs / pooled).toFixed(3)} (target <= 1.10) for: ${row.name.slice(0, 60)}...` });
report('Sweeps on the queue (issue 9): overhead over the piscina pool', rows);
