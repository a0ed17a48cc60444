/**
 * A recorded run re-run on the data it was recorded on: `rrr montecarlo --run`, `rrr report`, `rrr risk --run`
 * and `rrr runs rerun` all start here. The store is opened read-only and the re-run is not recorded; a run
 * whose data changed since (by fingerprint) is refused rather than silently re-run on other bars.
 */
import { getRun, type RunRecord } from '../data/runs.js';
import { withStore } from '../data/store.js';
import type { SimOptions } from '../engine/types.js';
import { UserError } from '../errors.js';
import { runBacktest, type BacktestResult } from '../strategies/backtest.js';
import { prepareBacktest, type BacktestJobOptions, type PreparedBacktest } from './backtest-job.js';

export interface RerunResult {
  run: RunRecord;
  prepared: PreparedBacktest;
  backtest: BacktestResult;
}

/** Recorded settings that are not simulation options. */
const NOT_SIM = new Set(['periodsPerYear', 'periodsPerYearReason', 'implied', 'overridden', 'align', 'riskFreeRate', 'rebalanceOn']);

/**
 * A run's resolved settings as simulation options: null (no stop) and maxHold 0 (none) are how the
 * resolved options say "unset", which the option checks would refuse as values.
 */
function simFromRecord(settings: Record<string, unknown>): SimOptions {
  const sim: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (NOT_SIM.has(key) || value === null || value === undefined) continue;
    if (key === 'maxHold' && value === 0) continue;
    sim[key] = value;
  }
  return sim as SimOptions;
}

export async function prepareRun(run: RunRecord, db: string): Promise<PreparedBacktest> {
  if (run.strategy === 'portfolio') {
    throw new UserError(`Run ${run.id} is a rebalancing portfolio backtest: re-run it with rrr portfolio and the settings "rrr runs show ${run.id}" lists.`, { exitCode: 1, code: 'RRR_RUN_IS_PORTFOLIO' });
  }
  const settings = run.settings;
  try {
    return await prepareBacktest({
      strategy: run.strategy,
      symbols: run.symbols,
      timeframe: run.timeframe,
      // The recorded bounds are the first and last bar's times: as epoch ms they select exactly those bars.
      range: { from: Date.parse(run.from), to: Date.parse(run.to) },
      db,
      sim: simFromRecord(settings),
      ...(typeof settings.align === 'string' ? { align: settings.align as 'union' | 'intersection' } : {}),
      ...(settings.periodsPerYearReason === '--periods-per-year' ? { periodsPerYear: Number(settings.periodsPerYear) } : {}),
      ...(typeof settings.riskFreeRate === 'number' ? { riskFreeRate: settings.riskFreeRate } : {}),
    });
  } catch (error) {
    if (error instanceof UserError && error.code === 'RRR_UNKNOWN_STRATEGY') {
      throw new UserError(
        `Run ${run.id} used the strategy "${run.strategy}", which is not a built-in strategy (a run records a strategy file by its name only): give --strategy FILE and the run's other flags instead of --run.`,
        { exitCode: 1, code: 'RRR_RUN_STRATEGY_GONE' },
      );
    }
    if (error instanceof UserError && error.code === 'RRR_UNKNOWN_SYMBOL') {
      throw new UserError(
        `Run ${run.id}'s data (${run.symbols.join(', ')} ${run.timeframe}) is not in ${db}: a run made from a file (--data) is re-run with --data FILE and the run's other flags instead of --run.`,
        { exitCode: 1, code: 'RRR_RUN_DATA_MISSING' },
      );
    }
    if (error instanceof UserError) {
      throw new UserError(`Run ${run.id} cannot be re-run from ${db}: ${error.message}`, { exitCode: 1, code: error.code });
    }
    throw error;
  }
}

/** The backtest re-run from a recorded run, refused when its data is no longer what it ran on. */
export async function rerunRecordedRun(id: string, db: string): Promise<RerunResult> {
  const run = await withStore(db, { create: false, readOnly: true }, (store) => getRun(store, id));
  const prepared = await prepareRun(run, db);
  if (prepared.dataFingerprint !== run.dataFingerprint) {
    throw new UserError(
      `Run ${run.id}'s data changed since it was recorded (${run.symbols.join(', ')} ${run.timeframe} ${run.from} .. ${run.to}: fingerprint ${run.dataFingerprint}, now ${prepared.dataFingerprint}): re-run rrr backtest to record a run on the current data.`,
      { exitCode: 1, code: 'RRR_RUN_DATA_CHANGED' },
    );
  }
  return { run, prepared, backtest: runPrepared(prepared, run.params) };
}

export function runPrepared(prepared: PreparedBacktest, params: Readonly<Record<string, unknown>> | undefined): BacktestResult {
  const { strategy, series, sim, periodsPerYear, riskFreeRate, source, optionName } = prepared;
  return runBacktest(series.length === 1 ? series[0] : series, { strategy, params, sim, periodsPerYear, riskFreeRate, source, optionName });
}

/**
 * The backtest a research command analyses: a recorded run re-run (`run`, read-only) or the settings of
 * `rrr backtest` (`backtest`); nothing is recorded either way. runId is null for the latter.
 */
export async function backtestToAnalyse(options: { run?: string; backtest?: BacktestJobOptions; db: string }): Promise<{ runId: number | null; prepared: PreparedBacktest; backtest: BacktestResult }> {
  if (options.run !== undefined) {
    const { run, prepared, backtest } = await rerunRecordedRun(options.run, options.db);
    return { runId: run.id, prepared, backtest };
  }
  const prepared = await prepareBacktest(options.backtest!);
  return { runId: null, prepared, backtest: runPrepared(prepared, options.backtest!.params) };
}
