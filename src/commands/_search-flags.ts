import { availableParallelism } from 'node:os';
import { Flags } from '@oclif/core';
import { UserError, suggestion } from '../errors.js';
import type { SearchSettings } from '../research/optimize/types.js';
import type { SweepThreads } from '../research/sweep/types.js';
import type { AnyStrategy } from '../strategies/define.js';

/**
 * How a parameter search is set up: the space (--grid, --param pins), the method and its trial count, the
 * objective and constraints, and the threads. `rrr optimize` and `rrr walkforward` share these flags, so a
 * search is spelled the same way in both.
 */
export const searchFlags = {
  grid: Flags.string({ char: 'g', description: 'search range of a parameter: NAME=START:END:STEP or NAME=a,b,c (repeatable) [default: its declared range]', multiple: true, helpGroup: 'SEARCH' }),
  method: Flags.string({ description: 'search method', options: ['grid', 'random', 'tpe'], default: 'grid', helpGroup: 'SEARCH' }),
  samples: Flags.string({ description: 'random search: number of trials [default: 100]', helpGroup: 'SEARCH' }),
  trials: Flags.string({ description: 'tpe search: number of trials [default: 100]', helpGroup: 'SEARCH' }),
  seed: Flags.string({ description: 'seed of random and tpe search: the same seed gives the same trials', default: '42', helpGroup: 'SEARCH' }),
  objective: Flags.string({ description: 'metric to optimize (see docs/metrics.md)', default: 'sharpe', helpGroup: 'SEARCH' }),
  minimize: Flags.boolean({ description: 'minimize the objective (default: maximize)', helpGroup: 'SEARCH' }),
  constraint: Flags.string({ description: 'prune trials unless METRIC OP NUMBER holds, e.g. "tradeCount>=30" (repeatable)', multiple: true, helpGroup: 'SEARCH' }),
  workers: Flags.string({ description: 'threads running trials [default: the number of cores, or this thread alone for a sweep under 50 million bar-trials (trials x bars), which threads would slow down]', helpGroup: 'SEARCH' }),
  yes: Flags.boolean({ description: 'run a grid above 1,000,000 trials', helpGroup: 'SEARCH' }),
  queue: Flags.string({ description: 'run the trials on "rrr worker" processes through this Redis queue: redis://HOST[:PORT][?name=QUEUE], rediss:// for TLS; --workers then sets the trials in flight [default: the worker threads seen]', helpGroup: 'SEARCH' }),
};

/** Not progress: a study that cannot go on until the user starts a worker says so whatever the output. */
export function printQueueWait(message: string): void {
  process.stderr.write(`${message}\n`);
}

/**
 * What runs a search's trials: worker threads here (--workers), or the workers of a Redis queue (--queue),
 * whose trials in flight are --workers when given, else the worker threads seen on the queue. `study` names
 * the study in the queue's jobs (undefined: a new study, refused while the queue holds anyone's unfinished jobs).
 */
export async function searchEvaluator(
  flags: { queue?: string; workers?: string },
  workers: number,
  queue: { study?: string; resumeHint?: string } = {},
): Promise<import('../research/sweep/types.js').Evaluator & { setStudy?(study: string, resumeHint?: string): void }> {
  if (flags.queue === undefined) {
    const { createEvaluator } = await import('../research/sweep/index.js');
    return createEvaluator(workers);
  }
  const { parseQueueUrl, QueueEvaluator } = await import('../research/queue/index.js');
  return QueueEvaluator.open(parseQueueUrl(flags.queue), { ...queue, onWait: printQueueWait, ...(flags.workers === undefined ? {} : { concurrency: workers }) });
}

/**
 * Runs `prepare` (reading the data, checking the settings) while the threads of a search on this machine start,
 * so the two overlap; the threads are stopped again if `prepare` fails. Only a thread count the user gave starts
 * early: without --workers the count depends on the size of the sweep (sweepThreads), known once the data is.
 * With --queue nothing starts early: a queue's connection waits until the data and settings are known good.
 */
export async function prepareWithThreads<T>(
  flags: { queue?: string; workers?: string },
  prepare: () => Promise<T>,
): Promise<{ threads?: Awaited<ReturnType<typeof searchEvaluator>>; prepared: T }> {
  const given = workersFromFlags(flags); // a bad --workers is refused before the data is read
  const threads = flags.queue === undefined && given !== undefined ? await searchEvaluator(flags, given) : undefined;
  threads?.start?.().catch(() => {}); // a failure to start is thrown again by load()
  try {
    return { threads, prepared: await prepare() };
  } catch (error) {
    await threads?.close();
    throw error;
  }
}

/** --workers as a number, refused in one sentence unless a whole number >= 1; undefined when not given. */
export function workersFromFlags(flags: { workers?: string }): number | undefined {
  return wholeFlag('workers', flags.workers, 1, 'a whole number of threads, 1 or more');
}

/**
 * Below this many bar-trials (trials x bars x series) a sweep without --workers runs in this thread. Each worker
 * thread boots node, loads the engine and compiles it again before its first fast trial (~0.3 s of CPU on a
 * 2-core VM), and that is not won back under ~80 million bar-trials there: a 100-trial sweep of 100,000 bars
 * took 1.53 s in this thread and 1.88 s on 2 workers, 800 trials 2.5 s either way (whole `rrr optimize` runs).
 */
export const SMALL_SWEEP_BAR_TRIALS = 50_000_000;

/** Threads for a sweep of `barTrials` bar-trials: --workers when given, else the cores unless the sweep is small. */
export function sweepThreads(flags: { workers?: string }, barTrials: number): SweepThreads {
  const given = workersFromFlags(flags);
  if (given !== undefined) return { count: given, reason: '--workers' };
  if (barTrials < SMALL_SWEEP_BAR_TRIALS) {
    const amount = (x: number) => (x < 1e6 ? Math.round(x).toLocaleString('en-US') : `${Number((x / 1e6).toPrecision(2))} million`);
    return { count: 1, reason: `${amount(barTrials)} bar-trials, under the ${amount(SMALL_SWEEP_BAR_TRIALS)} that threads take to pay for starting; --workers N sets them` };
  }
  return { count: availableParallelism(), reason: 'the cores' };
}

/** A whole-number flag, refused in one sentence unless it is a whole number >= min. */
export function wholeFlag(flag: string, text: string | undefined, min: number, accepted: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\s*[+-]?\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min) throw new UserError(`--${flag} ${text} is not valid: give ${accepted}.`);
  return n;
}

export interface ParsedSearchFlags {
  search: SearchSettings;
  /** Parameters pinned with --param (single-value dimensions of the space). */
  fixed: Record<string, string | number | boolean>;
}

/**
 * The search those flags describe for `strategy`, with `params` the --param pins (name -> text). Every bad
 * value is one sentence: a count for the wrong method, an objective or constraint that is not a metric, a
 * parameter the strategy does not have or that is both searched and pinned, a grid above 1,000,000 without --yes.
 */
export async function searchFromFlags(flags: Record<string, unknown>, strategy: AnyStrategy, params: Readonly<Record<string, string>> = {}): Promise<ParsedSearchFlags> {
  const { parseObjective, parseConstraint } = await import('../research/optimize/objective.js');
  const { parseGridFlags, spaceFromSchema, strategyCheck, checkGridSize } = await import('../research/search/index.js');
  const { parseParamValue } = await import('../strategies/params.js');
  const text = flags as Record<string, string | undefined>;
  const method = text.method as 'grid' | 'random' | 'tpe';
  if (text.samples !== undefined && method !== 'random') throw new UserError(`--samples sets the number of random trials, and the method is ${method}: ${method === 'tpe' ? 'use --trials for tpe' : 'use --method random with it, or remove it'}.`);
  if (text.trials !== undefined && method !== 'tpe') throw new UserError(`--trials sets the number of tpe trials, and the method is ${method}: ${method === 'random' ? 'use --samples for random' : 'use --method tpe with it, or remove it'}.`);
  const count =
    method === 'random'
      ? (wholeFlag('samples', text.samples, 1, 'a whole number of trials, 1 or more') ?? 100)
      : method === 'tpe'
        ? (wholeFlag('trials', text.trials, 1, 'a whole number of trials, 1 or more') ?? 100)
        : undefined;
  const seed = wholeFlag('seed', text.seed ?? '42', 0, 'a whole number, 0 or more')!;
  const objective = parseObjective(text.objective ?? 'sharpe');
  const constraints = ((flags.constraint as string[] | undefined) ?? []).map((c) => parseConstraint(c));
  const schema = strategy.params;
  const fixed: Record<string, string | number | boolean> = {};
  for (const [name, raw] of Object.entries(params)) {
    if (!(name in schema)) throw new UserError(`${strategy.name} has no parameter "${name}".${suggestion(name, Object.keys(schema), 'parameters').replace(/ Known parameters:/, ' Its parameters are:')}`, { code: 'RRR_UNKNOWN_PARAM' });
    fixed[name] = parseParamValue(strategy.name, name, schema[name], raw);
  }
  const ranges = parseGridFlags(strategy.name, schema, flags.grid as string[] | undefined);
  const both = Object.keys(ranges).find((name) => name in fixed);
  if (both) throw new UserError(`${both} is given both by --grid and by --param: search it with --grid or pin it with --param, not both.`);
  const space = spaceFromSchema(schema, ranges, fixed);
  const allowLarge = flags.yes === true;
  if (method === 'grid') checkGridSize(space, allowLarge);
  const validate = strategyCheck(strategy);
  return {
    search: {
      space,
      method,
      seed,
      ...(count === undefined ? {} : { trials: count }),
      allowLarge,
      direction: flags.minimize ? 'minimize' : 'maximize',
      objective,
      constraints,
      ...(validate ? { validate } : {}),
    },
    fixed,
  };
}
