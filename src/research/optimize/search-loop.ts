/**
 * The one search loop (rrr optimize, and walk-forward per window): ask the sampler for a batch of trials,
 * run them on the evaluator, tell the results back in number order. Everything that decides the next
 * proposals happens in this thread in a fixed order, so the same seed and batch size give the same study
 * whatever runs the trials.
 */
import { UserError } from '../../errors.js';
import { createSampler, type Study, type Trial } from '../search/index.js';
import type { BarRange, Evaluator, SweepSpec, TrialOutput } from '../sweep/types.js';
import { failedConstraint } from './objective.js';
import type { FinishedTrial, SearchHooks, SearchResult, SearchSettings } from './types.js';

/**
 * Trials per evaluator call. TPE gets one per worker: every trial asked before the last batch was told is
 * a constant-liar guess, so smaller batches learn faster. Grid and random proposals do not depend on
 * results, so their batches are larger to keep each worker busy between round trips.
 */
export function defaultBatchSize(method: SearchSettings['method'], concurrency: number): number {
  const workers = Math.max(1, concurrency);
  return method === 'tpe' ? workers : workers * 16;
}

/** The trials the search will run in all: the grid's points, or the requested count. */
export function searchTotal(study: Study, search: SearchSettings): number {
  if (search.method === 'grid') return study.size ?? 0;
  const n = search.trials;
  if (!(n !== undefined && Number.isInteger(n) && n >= 1)) throw new UserError(`${search.method} search needs a number of trials, a whole number 1 or more, not ${String(n)}.`);
  return n;
}

function sameParams(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.is(a[k], b[k]));
}

/** What a trial's output means for the study: complete with its objective, pruned, or failed. */
export function finishTrial(trial: Trial, output: TrialOutput, search: Pick<SearchSettings, 'objective' | 'constraints'>): FinishedTrial {
  const base = { number: trial.number, params: { ...trial.params }, metrics: output.metrics, ...(output.moments ? { moments: output.moments } : {}), ...(output.blocks ? { blocks: output.blocks } : {}) };
  if (output.error !== undefined) return { ...base, state: 'failed', reason: output.error };
  const value = output.metrics[search.objective];
  if (value === null || value === undefined) return { ...base, state: 'failed', reason: `${search.objective} is undefined for these parameters (e.g. no trades or no variance).` };
  const failed = failedConstraint(search.constraints, output.metrics);
  if (failed !== undefined) return { ...base, state: 'pruned', reason: `${failed}.` };
  return { ...base, state: 'complete', value };
}

function tellStudy(study: Study, trial: FinishedTrial): void {
  const asked = { number: trial.number, params: trial.params };
  if (trial.state === 'complete') study.tell(asked, trial.value);
  else if (trial.state === 'pruned') study.prune(asked, trial.reason);
  else study.tell(asked, Number.NaN);
}

function better(direction: SearchSettings['direction'], a: FinishedTrial, b: FinishedTrial | undefined): boolean {
  if (a.state !== 'complete') return false;
  if (b === undefined) return true;
  return direction === 'minimize' ? a.value! < b.value! : a.value! > b.value!;
}

/**
 * Runs a search over `range` of the evaluator's loaded bars. Returns every trial in number order (those a
 * resumed study brought in `hooks.done` included, never run again), the best complete one, and whether
 * `hooks.signal` stopped it early (the batch in flight still finishes and is kept).
 */
export async function runSearch(evaluator: Evaluator, spec: SweepSpec, range: BarRange, search: SearchSettings, hooks: SearchHooks = {}): Promise<SearchResult> {
  const study = createSampler(search.space, { method: search.method, seed: search.seed, allowLarge: search.allowLarge, direction: search.direction, validate: search.validate });
  const total = searchTotal(study, search);
  const batchSize = search.batchSize ?? defaultBatchSize(search.method, evaluator.concurrency);
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new RangeError(`batchSize must be a whole number, 1 or more, not ${batchSize}.`);
  const shard = search.shard;
  if (shard !== undefined) {
    if (!(Number.isInteger(shard.index) && Number.isInteger(shard.count) && shard.index >= 1 && shard.index <= shard.count)) throw new RangeError(`shard ${shard.index}/${shard.count} must be i/n with 1 <= i <= n.`);
    if (search.method === 'tpe') throw new UserError('--shard splits grid and random searches only: TPE proposes each trial from the results before it, so run it in one process (use --workers for threads).');
  }
  const owned = (number: number) => shard === undefined || number % shard.count === shard.index - 1;
  // A shard still walks the whole sequence (so every shard sees the same numbering) and runs its own part.
  const askPerBatch = batchSize * (shard?.count ?? 1);
  const resumed = new Map<number, FinishedTrial>();
  for (const t of hooks.done ?? []) resumed.set(t.number, t);

  const trials: FinishedTrial[] = [];
  let best: FinishedTrial | undefined;
  // Grid progress counts grid points (the strategy's check skips some without running them); random and
  // TPE count the trials asked to run.
  let asked = 0;
  let interrupted = false;
  const done = () => (search.method === 'grid' ? study.trials.length : asked);

  for (;;) {
    if (hooks.signal?.aborted) {
      interrupted = search.method === 'grid' ? study.trials.length < total : asked < total;
      break;
    }
    const recordsBefore = study.trials.length;
    const batch: Trial[] = [];
    let proposed = 0;
    while (proposed < askPerBatch && asked < total) {
      const trial = study.ask();
      if (!trial) break;
      proposed++;
      asked++;
      // Another shard's trial stays "running" in this study: grid and random proposals never look at it.
      if (owned(trial.number)) batch.push(trial);
    }
    // Proposals the strategy's check rejected inside ask(): pruned without running.
    const prunedEarly: FinishedTrial[] = study.trials.slice(recordsBefore).filter((r) => r.state === 'pruned' && owned(r.number)).map((r) => ({ number: r.number, params: { ...r.params }, state: 'pruned', metrics: {}, ...(r.reason === undefined ? {} : { reason: r.reason }) }));
    if (proposed === 0 && study.trials.length === recordsBefore) break;

    const toRun = batch.filter((t) => !resumed.has(t.number));
    const outputs = toRun.length > 0 ? await evaluator.run(spec, range, toRun) : [];
    const byNumber = new Map<number, TrialOutput>(outputs.map((o) => [o.number, o]));
    const finished: FinishedTrial[] = [];
    for (const trial of batch) {
      const previous = resumed.get(trial.number);
      if (previous !== undefined && !sameParams(previous.params, trial.params)) {
        throw new UserError(`The resumed study's trial ${trial.number} had parameters ${JSON.stringify(previous.params)} but the search now proposes ${JSON.stringify(trial.params)}: resume with the same strategy, ranges, method and seed.`, { exitCode: 1 });
      }
      const output = byNumber.get(trial.number);
      if (previous === undefined && output === undefined) throw new Error(`the evaluator returned no result for trial ${trial.number}`);
      finished.push(previous ?? finishTrial(trial, output!, search));
    }
    const all = [...prunedEarly, ...finished].sort((a, b) => a.number - b.number);
    for (const t of finished) tellStudy(study, t);
    for (const t of all) {
      trials.push(t);
      if (better(search.direction, t, best)) best = t;
    }
    const fresh = all.filter((t) => !resumed.has(t.number));
    if (fresh.length > 0) hooks.onTrials?.(fresh);
    hooks.onProgress?.({ done: done(), total, ...(best ? { best } : {}) });
    // An evaluator in this thread never yields to the event loop, where a SIGINT handler would run.
    if (hooks.signal) await new Promise((resolve) => setImmediate(resolve));
  }
  return { trials, ...(best ? { best } : {}), interrupted };
}
