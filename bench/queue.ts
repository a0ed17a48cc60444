/**
 * Queue overhead (issue 9): 10,000 sma-cross trials on 100,000 bars with 2 local queue worker threads against
 * the same sweep on a 2-worker piscina pool (target: at most 10% slower), each as its rrr command hands the
 * trials over (rrr optimize: 32 per run(); rrr optimize --queue: 1,024). Three repeats of each, interleaved so
 * a busy spell of the machine falls on both; every repeat starts fresh threads (no indicator cache carried
 * over) and is timed warm, from the first trial to the last result. Needs redis-server; starts its own on a
 * free port. Run: npx tsx bench/queue.ts [trials] [repeats]
 */
import { benchmarkBars } from '../src/data/synthetic.js';
import { defaultBatchSize } from '../src/research/optimize/search-loop.js';
import { encodeBars, parseQueueUrl, QueueEvaluator, queueSearchBatch, startWorker } from '../src/research/queue/index.js';
import { PoolEvaluator, toSharedBars, type Evaluator, type SweepSpec, type TrialOutput } from '../src/research/sweep/index.js';
import { startRedis } from '../test/helpers/redis.js';
import { tenThousand } from './sweep.bench.js';
import { check, report, type Measurement } from './harness.js';

const SPEC: SweepSpec = { strategy: 'sma-cross', sim: { fill: 'close', feeRate: 0.001 }, periodsPerYear: 525_600, metrics: ['finalEquity'], pboSplits: 0 };
const n = 100_000;
const bars = toSharedBars([benchmarkBars(n)]);
const trials = tenThousand().slice(0, Number(process.argv[2] ?? 10_000));
const repeats = Number(process.argv[3] ?? 3);
const WARM = trials.slice(0, 4).map((t) => ({ ...t, number: -1 - t.number }));

/** The trials as the command hands them to its evaluator: `batch` at a time. */
async function sweep(evaluator: Evaluator, batch: number): Promise<TrialOutput[]> {
  const out: TrialOutput[] = [];
  for (let i = 0; i < trials.length; i += batch) out.push(...(await evaluator.run(SPEC, { from: 0, to: n }, trials.slice(i, i + batch))));
  return out;
}

let reference: TrialOutput[] | undefined;
const timed = async (name: string, run: () => Promise<TrialOutput[]>): Promise<number> => {
  const t0 = performance.now();
  const out = await run();
  const ms = performance.now() - t0;
  check(out.length === trials.length && out.every((o) => o.error === undefined), `${name}: every trial ran`);
  reference ??= out;
  check(JSON.stringify(out) === JSON.stringify(reference), `${name}: the pool's results`);
  return ms;
};

async function onPool(): Promise<number> {
  const pool = new PoolEvaluator(2);
  try {
    await pool.load(bars);
    await pool.warm(SPEC.strategy);
    return await timed('pool', () => sweep(pool, defaultBatchSize('grid', 2)));
  } finally {
    await pool.close();
  }
}

async function onQueue(url: string, repeat: number): Promise<{ ms: number; publishMs: number }> {
  const target = parseQueueUrl(`${url}?name=bench-${repeat}`);
  const worker = await startWorker(target, { concurrency: 2, stallSeconds: 30 });
  const queue = await QueueEvaluator.open(target, { study: `bench ${repeat}` });
  try {
    const t0 = performance.now();
    await queue.load(bars);
    const publishMs = performance.now() - t0;
    // Warm, as the pool is: every thread has loaded its modules, the bars and the strategy before the clock starts.
    await queue.run(SPEC, { from: 0, to: n }, WARM);
    return { ms: await timed('queue', () => sweep(queue, queueSearchBatch('grid', 2))), publishMs };
  } finally {
    await queue.close();
    await worker.stop();
  }
}

const row = (name: string, times: number[]): Measurement => {
  const sorted = [...times].sort((a, b) => a - b);
  return { name, medianMs: sorted[Math.floor(sorted.length / 2)], minMs: sorted[0], runs: sorted.length };
};

const pool: number[] = [];
const queue: number[] = [];
const publish: number[] = [];
const redis = await startRedis();
try {
  for (let repeat = 0; repeat < repeats; repeat++) {
    pool.push(await onPool());
    const q = await onQueue(redis.url, repeat);
    queue.push(q.ms);
    publish.push(q.publishMs);
  }
} finally {
  await redis.close();
}
const pooled = row(`${trials.length} sma-cross trials, N=100k, 2-thread piscina pool (32 trials per run())`, pool);
const queued = row(`the same on the queue, 2 local worker threads (1,024 trials per run())`, queue);
const overhead = (a: number, b: number) => `${(((a - b) / b) * 100).toFixed(1)}%`;
report('Sweeps on the queue (issue 9): overhead over the piscina pool', [
  pooled,
  queued,
  { ...row('  publishing the bars to Redis (before the clock)', publish), note: `${(encodeBars([...bars]).length / 1e6).toFixed(1)} MB, once per study` },
]);
console.log(`queue overhead over the pool: ${overhead(queued.medianMs, pooled.medianMs)} on medians, ${overhead(queued.minMs, pooled.minMs)} on minimums (target <= 10%)`);
