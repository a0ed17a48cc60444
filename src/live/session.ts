import { existsSync, unlinkSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { BacktestJobOptions } from '../research/backtest-job.js';
import { strategySetup } from '../strategies/backtest.js';
import { barAt } from './history.js';
import { Journal, readJournal } from './journal.js';
import { checkModelParams } from './model-monitor.js';
import { paperRunner, refuseForLive } from './paper-run.js';
import { ReplayFeed } from './replay-feed.js';
import { ReplayingSink } from './replay-journal.js';
import { riskConfigFromJson, type RiskConfig } from './risk-config.js';
import { createRunFolder, findRunFolder, liveBase, type RunFolder } from './run-folder.js';
import { RunStateBuilder, type RunStatus } from './run-state.js';
import { startStatusServer } from './status-server.js';
import type { Feed, JournalEntry, LiveBar, RunConfig } from './types.js';

/** The file whose appearance in a run's folder is the kill switch (as is SIGUSR2 to the runner). */
export const KILL_FILE = 'KILL';

/** What chooses the bars and settings of a paper replay: `rrr backtest`'s options without output. */
export type PaperJob = Omit<BacktestJobOptions, 'outDir'>;

export interface PaperSessionOptions {
  db: string;
  /** A new run: the strategy, data and settings. */
  job?: PaperJob;
  /** Or the id of a run to resume (its journal holds the job). */
  resume?: string;
  /** Bars per second (0: as fast as possible); a resumed run keeps its own unless given. */
  speed?: number;
  risk?: RiskConfig;
  /** Handle SIGINT/SIGTERM (stop cleanly) and SIGUSR2 (kill switch). */
  signals?: boolean;
  onStarted?: (info: { runId: string; folder: string; url: string; resumedBars: number; totalBars: number }) => void;
  onBar?: (index: number, total: number) => void;
}

export interface PaperSessionResult {
  runId: string;
  folder: string;
  bars: number;
  /** Bars replayed from the journal on resume (0 for a new run). */
  resumedBars: number;
  stoppedBy: 'end-of-feed' | 'stop' | 'kill-switch';
  status: RunStatus;
}

/** Files are kept as absolute paths so a resume from another directory reads the same file. */
function portableJob(job: PaperJob): PaperJob {
  return { ...job, ...(job.files ? { files: job.files.map((f) => (isAbsolute(f) ? f : resolve(f))) } : {}) };
}

function configOf(job: PaperJob, risk: RiskConfig, speed: number, symbol: string, timeframe: string): RunConfig {
  return {
    mode: 'paper',
    strategy: job.strategy,
    params: { ...(job.params ?? {}) },
    symbol,
    timeframe,
    feed: 'replay',
    broker: 'paper',
    sim: { ...(job.sim ?? {}), ...(job.size === undefined ? {} : { size: job.size }) },
    risk: { ...risk },
    data: { ...portableJob(job), db: undefined },
    speed,
  };
}

/** The job a run was started with, from its start entry. */
function jobOf(config: RunConfig, db: string): PaperJob {
  const data = config.data as PaperJob | undefined;
  if (data === undefined || config.feed !== 'replay') throw new UserError(`Run ${config.strategy} was not a replay of stored data; it cannot be resumed by rrr paper --resume.`, { code: 'RRR_CANNOT_RESUME' });
  return { ...data, db };
}

/**
 * A paper run replaying stored bars: its own folder (journal, endpoint) beside the store, which it only reads,
 * so backtests and `rrr status` go on while it runs. `resume` continues a run after a crash or kill -9: the
 * journaled bars are replayed through a fresh runner, which must redo exactly what the journal says, and the
 * missing tail is written; then the feed goes on from the next bar.
 */
export async function runPaperSession(o: PaperSessionOptions): Promise<PaperSessionResult> {
  const { prepareBacktest } = await import('../research/backtest-job.js');
  const base = liveBase(o.db);
  let run: RunFolder | undefined;
  let previous: JournalEntry[] = [];
  let job: PaperJob;
  let risk: RiskConfig;
  let speed: number;
  if (o.resume !== undefined) {
    run = findRunFolder(base, o.resume);
    previous = readJournal(run.folder).entries;
    const start = previous.find((e): e is Extract<JournalEntry, { kind: 'start' }> => e.kind === 'start');
    if (start === undefined) throw new UserError(`Run ${run.runId} has no start in its journal: it cannot be resumed.`, { code: 'RRR_CANNOT_RESUME', exitCode: 1 });
    const stop = [...previous].reverse().find((e) => e.kind === 'stop' || e.kind === 'resume');
    if (stop?.kind === 'stop' && /kill switch/i.test(stop.reason)) throw new UserError(`Run ${run.runId} was stopped by its kill switch; start a new run instead of resuming it.`, { code: 'RRR_CANNOT_RESUME', exitCode: 1 });
    if (o.job !== undefined) throw new UserError('--resume continues a run with its own strategy, data and settings: give only --resume RUN_ID (and --speed).', { code: 'RRR_BAD_FLAGS' });
    job = jobOf(start.config, o.db);
    risk = riskConfigFromJson(start.config.risk);
    speed = o.speed ?? start.config.speed ?? 0;
  } else {
    if (o.job === undefined) throw new UserError('rrr paper needs a strategy and data (--strategy with --symbol or --data), or --resume RUN_ID.', { code: 'RRR_BAD_FLAGS' });
    job = portableJob(o.job);
    risk = o.risk ?? {};
    speed = o.speed ?? 0;
  }
  // Everything is loaded and checked before anything is written: bad input leaves no run behind.
  const prepared = await prepareBacktest(job);
  refuseForLive(prepared.strategy, prepared.sim, prepared.optionName);
  const bars = prepared.series[0];
  // As rrr backtest: too few bars for the strategy's warmup is refused, not replayed without a signal.
  const setup = strategySetup({ strategy: prepared.strategy, params: job.params, sim: prepared.sim, periodsPerYear: prepared.periodsPerYear, source: prepared.source, optionName: prepared.optionName }, bars.length);
  checkModelParams(setup.params, risk);
  run ??= createRunFolder(base, 'paper');
  const { runId, folder } = run;
  const { journal } = Journal.open(folder);
  journal.durability = 'action';
  const builder = new RunStateBuilder();
  for (const e of previous) builder.apply(e);
  const write = (e: JournalEntry) => {
    journal.append(e);
    builder.apply(e);
  };
  let server: Awaited<ReturnType<typeof startStatusServer>> | undefined;
  const handlers: [NodeJS.Signals, () => void][] = [];
  try {
    if (o.resume === undefined) write({ kind: 'start', time: Date.now(), runId, config: configOf(job, risk, speed, prepared.symbols[0], prepared.timeframe) });
    else write({ kind: 'resume', time: Date.now(), pid: process.pid });
    // A run whose start is not on disk could not be resumed: the one entry worth an fsync of its own.
    journal.sync();
    const replaying = new ReplayingSink(previous, { append: write, flush: () => journal.flush(), sync: () => journal.sync() }, runId);
    const journaled = replaying.journaledBars();
    if (journaled.length > bars.length) throw new UserError(`Run ${runId} journaled ${journaled.length} bars but the data now has ${bars.length}: the data changed since the run started.`, { code: 'RRR_RESUME_MISMATCH', exitCode: 1 });
    let kill: string | undefined;
    const source = new ReplayFeed(bars, { speed, from: journaled.length });
    const killFile = join(folder, KILL_FILE);
    // The kill switch is looked at before each bar: a file in the run's folder, or SIGUSR2.
    const feed: Feed = {
      next: async () => {
        if (kill === undefined && existsSync(killFile)) {
          kill = `the file ${killFile} appeared`;
          unlinkSync(killFile);
        }
        if (kill !== undefined) {
          await runner.kill(kill);
          return null;
        }
        return source.next();
      },
      history: (since, until) => source.history(since, until),
      close: () => source.close(),
    };
    const runner = paperRunner(
      { runId, strategy: prepared.strategy, source: prepared.source, params: job.params, sim: prepared.sim, periodsPerYear: prepared.periodsPerYear, symbol: prepared.symbols[0], timeframe: prepared.timeframe, optionName: prepared.optionName },
      feed,
      replaying,
      { risk, clock: 'bar', onBar: (i) => o.onBar?.(i, bars.length) },
    );
    for (const e of journaled) {
      const stored: LiveBar = barAt(bars, e.index);
      if (e.index >= bars.length || stored.time !== e.bar.time || stored.close !== e.bar.close || stored.open !== e.bar.open) {
        throw new UserError(`Run ${runId} cannot be resumed: its bar ${e.index} (${new Date(e.bar.time).toISOString()}) is not the data's bar ${e.index} any more; the data changed since the run started.`, { code: 'RRR_RESUME_MISMATCH', exitCode: 1 });
      }
      await runner.step(e.bar);
    }
    if (replaying.behind > 0) throw new UserError(`Run ${runId} cannot be resumed: its journal has ${replaying.behind} entries that a replay of its bars does not make; the strategy or its settings changed since the run started.`, { code: 'RRR_RESUME_MISMATCH', exitCode: 1 });

    const stop = () => {
      runner.stop();
      void source.close();
    };
    server = await startStatusServer({ folder, status: () => builder.status(), onStop: stop });
    if (o.signals) {
      handlers.push(['SIGINT', stop], ['SIGTERM', stop], ['SIGUSR2', () => (kill = 'SIGUSR2 was received')]);
      for (const [signal, handler] of handlers) process.on(signal, handler);
    }
    o.onStarted?.({ runId, folder, url: server.url, resumedBars: journaled.length, totalBars: bars.length });
    const summary = await runner.run();
    const stoppedBy = kill !== undefined ? 'kill-switch' : summary.stoppedBy;
    write({ kind: 'stop', time: Date.now(), reason: stoppedBy === 'kill-switch' ? `kill switch: ${kill}` : stoppedBy === 'end-of-feed' ? 'the data ended' : 'asked to stop' });
    return { runId, folder, bars: summary.bars, resumedBars: journaled.length, stoppedBy, status: builder.status() };
  } catch (error) {
    // The journal says why the run ended; the caller prints the same sentence.
    write({ kind: 'note', time: Date.now(), level: 'error', message: String((error as Error)?.message ?? error).split('\n')[0] });
    throw error;
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
    await server?.close();
    journal.close();
  }
}
