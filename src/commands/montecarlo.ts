import { Flags, type Interfaces } from '@oclif/core';
import { RrrCommand } from './_base.js';
import { backtestFlags, backtestOptionsFromFlags } from './_backtest-flags.js';
import { checkReportFlags, reportFlags, writeReport } from './_report-flags.js';

/** The flags that describe a backtest, which --run takes from the recorded run instead. */
const BACKTEST_FLAG_NAMES = Object.keys(backtestFlags);

/** More threads than this would only queue on any machine rrr runs on. */
const MAX_WORKERS = 256;

export default class MonteCarlo extends RrrCommand {
  static override summary = 'Resample a backtest\'s trades or returns into thousands of equity paths: bands, distributions, rank of the actual result, probability of ruin.';
  static override description =
    'Give a run recorded by rrr backtest (--run ID: re-run on the same data, refused if the data changed; the store is opened read-only and nothing is recorded) ' +
    'or the flags of rrr backtest (nothing is recorded either). Methods: permute reorders the closed trades (drawdown risk; every path ends at the actual final return, so no final-return or Sharpe distribution is reported); ' +
    'bootstrap draws closed trades with replacement; returns draws per-bar equity returns with replacement (iid); block draws them by stationary block bootstrap (Politis & Romano), ' +
    'mean block length automatic (Politis & White 2004, corrected 2009) unless --block-length. Trade returns compound on equity unless the size is fixed cash or units. ' +
    'Path i always uses its own seeded stream, so the same --seed gives the same result. Exit code 1: the run does not exist, its data changed, or too few trades; 2: a usage error.';
  static override examples = [
    '<%= config.bin %> montecarlo --run 12 --runs 10000 --method bootstrap --seed 42',
    '<%= config.bin %> montecarlo --run 12 --method block --ruin 0.3 --json',
    '<%= config.bin %> montecarlo --strategy sma-cross --symbol DEMO-A --timeframe 1d --method permute',
  ];
  static override flags = {
    run: Flags.string({ description: 'a run recorded by rrr backtest (see rrr runs list), re-run read-only instead of giving its flags' }),
    ...backtestFlags,
    strategy: Flags.string({ ...backtestFlags.strategy, required: false, description: 'built-in strategy name, or the path of a .ts/.js file exporting one (or --run)' }),
    runs: Flags.string({ description: 'paths to draw: a whole number from 1 to 4294967295', default: '10000', helpGroup: 'MONTE CARLO' }),
    method: Flags.string({ description: 'permute (trade order), bootstrap (trades), returns (per-bar, iid) or block (per-bar, stationary block bootstrap)', default: 'bootstrap', helpGroup: 'MONTE CARLO' }),
    seed: Flags.string({ description: 'seed of the random paths (a whole number)', default: '42', helpGroup: 'MONTE CARLO' }),
    ruin: Flags.string({ description: 'ruin level: equity at or below this fraction of the starting cash, above 0 and below 1', default: '0.5', helpGroup: 'MONTE CARLO' }),
    workers: Flags.string({ description: 'worker threads to split the paths over [default: 1]; with --queue, the batches the paths are cut into [default: 4 per worker thread seen]; the same seed gives the same result for any count', helpGroup: 'MONTE CARLO' }),
    queue: Flags.string({ description: 'run the paths on "rrr worker" processes through this Redis queue: redis://HOST[:PORT][?name=QUEUE], rediss:// for TLS', helpGroup: 'MONTE CARLO' }),
    'block-length': Flags.string({ description: 'mean block length in bars for --method block, 1 or more [default: automatic]', helpGroup: 'MONTE CARLO' }),
    ...reportFlags,
  };

  async run() {
    const { flags, raw } = await this.parse(MonteCarlo);
    const { UserError, closest } = await import('../errors.js');
    const { MONTE_CARLO_METHODS } = await import('../research/montecarlo/montecarlo.js');

    const method = flags.method as (typeof MONTE_CARLO_METHODS)[number];
    if (!MONTE_CARLO_METHODS.includes(method)) {
      const near = closest(flags.method, MONTE_CARLO_METHODS);
      throw new UserError(`--method "${flags.method}" is not valid: use permute, bootstrap, returns or block.${near ? ` Did you mean "${near}"?` : ''}`, { code: 'RRR_BAD_METHOD' });
    }
    const runs = Number(flags.runs);
    if (!(/^\s*\d+\s*$/.test(flags.runs) && runs >= 1 && runs <= 0xffffffff)) {
      throw new UserError(`--runs "${flags.runs}" is not valid: give a whole number of paths from 1 to 4294967295, e.g. 10000.`, { code: 'RRR_BAD_RUNS' });
    }
    const seed = Number(flags.seed);
    if (!(/^\s*-?\d+\s*$/.test(flags.seed) && Number.isSafeInteger(seed))) {
      throw new UserError(`--seed "${flags.seed}" is not valid: give a whole number, e.g. 42.`, { code: 'RRR_BAD_SEED' });
    }
    const ruin = Number(flags.ruin);
    if (!(flags.ruin.trim() !== '' && ruin > 0 && ruin < 1)) {
      throw new UserError(`--ruin "${flags.ruin}" is not valid: give a fraction of the starting cash above 0 and below 1, e.g. 0.5 (equity halved).`, { code: 'RRR_BAD_RUIN' });
    }
    let blockLength: number | undefined;
    if (flags['block-length'] !== undefined) {
      if (method !== 'block') throw new UserError(`--block-length applies to --method block only, not ${method}: remove it or use --method block.`, { code: 'RRR_SETTING_NOT_APPLICABLE' });
      blockLength = Number(flags['block-length']);
      if (!(flags['block-length'].trim() !== '' && Number.isFinite(blockLength) && blockLength >= 1)) {
        throw new UserError(`--block-length "${flags['block-length']}" is not valid: give a mean block length in bars of 1 or more, e.g. 5.`, { code: 'RRR_BAD_BLOCK_LENGTH' });
      }
    }

    const workers = Number(flags.workers ?? '1');
    if (flags.queue === undefined && !(/^\s*\d+\s*$/.test(flags.workers ?? '1') && workers >= 1 && workers <= MAX_WORKERS)) {
      throw new UserError(`--workers "${flags.workers}" is not valid: give a whole number of threads from 1 to ${MAX_WORKERS}.`, { code: 'RRR_BAD_WORKERS' });
    }
    const { wholeFlag, printQueueWait } = await import('./_search-flags.js');
    // On a queue, --workers is how many batches the paths are cut into (any count gives the same result).
    const batches = flags.queue === undefined ? undefined : wholeFlag('workers', flags.workers, 1, 'a whole number of batches to cut the paths into, 1 or more');
    const target = flags.queue === undefined ? undefined : (await import('../research/queue/url.js')).parseQueueUrl(flags.queue);

    if (flags.run !== undefined) {
      // Defaults are not "given": only flags the user typed conflict with the recorded run's settings.
      const typed = [...new Set(raw.filter((t) => t.type === 'flag' && BACKTEST_FLAG_NAMES.includes(t.flag)).map((t) => `--${(t as { flag: string }).flag}`))];
      if (typed.length > 0) {
        throw new UserError(`--run re-runs the recorded run with its own settings: remove ${typed.join(', ')}, or drop --run and give the backtest's flags.`, { code: 'RRR_RUN_WITH_FLAGS' });
      }
    } else if (flags.strategy === undefined) {
      throw new UserError('Say which backtest to resample: --run RUN_ID (see rrr runs list) or --strategy with the flags of rrr backtest.', { code: 'RRR_MISSING_FLAG' });
    }
    await checkReportFlags(flags);

    const db = this.dbPath(flags.db);
    // Opened before the backtest: an unreachable Redis or a busy queue is refused at once.
    const { hostname } = await import('node:os');
    const queue = target === undefined ? undefined : await (await import('../research/queue/montecarlo-jobs.js')).openMonteCarloQueue(target, { study: `montecarlo ${hostname()}:${process.pid}`, onWait: printQueueWait, ...(batches === undefined ? {} : { batches }) });
    try {
      return await this.study(flags, { db, method, runs, seed, ruinLevel: ruin, blockLength, workers, ...(queue ? { runPaths: queue.run } : {}) });
    } finally {
      await queue?.close();
    }
  }

  private async study(flags: Interfaces.InferredFlags<typeof MonteCarlo.flags>, common: Omit<import('../research/montecarlo/job.js').MonteCarloJobOptions, 'run' | 'backtest'>) {
    const { monteCarloJob } = await import('../research/montecarlo/job.js');
    const { renderMonteCarlo, monteCarloJson } = await import('../report/montecarlo.js');
    const { runs } = common;
    let job;
    if (flags.run !== undefined) {
      this.progress(`Re-running run ${flags.run} and drawing ${runs} paths...`);
      job = await monteCarloJob({ ...common, run: flags.run });
    } else {
      const backtest = await backtestOptionsFromFlags(flags, common.db);
      this.progress(`Backtesting ${flags.strategy} and drawing ${runs} paths...`);
      job = await monteCarloJob({ ...common, backtest });
    }
    this.log(renderMonteCarlo(job));
    if (flags.report === undefined) return monteCarloJson(job);
    const { monteCarloReport } = await import('../report/html/montecarlo-sections.js');
    const { describeWritten } = await import('../report/html/write.js');
    const report = await writeReport(monteCarloReport(job), { report: flags.report, pdf: flags.pdf });
    this.log(describeWritten(report));
    return { ...monteCarloJson(job), report };
  }
}
