import { Flags } from '@oclif/core';
import { RrrCommand } from './_base.js';
import { backtestFlags, backtestOptionsFromFlags } from './_backtest-flags.js';
import { prepareWithThreads, searchEvaluator, searchFlags, searchFromFlags, sweepThreads } from './_search-flags.js';
import { checkReportFlags, reportFlags, writeReport } from './_report-flags.js';

export default class Walkforward extends RrrCommand {
  static override summary = 'Walk-forward analysis: optimize on each training window, run the winner on the test window after it, stitch the out-of-sample results.';
  static override description =
    'Lengths are bars (500 or 500b) or durations on the bars\' own timestamps (180d, 12h, 4w, 6mo). The first test starts after --train and --purge; ' +
    'each next test starts --embargo after the previous one ends (with no embargo the tests tile the rest of the data; the last is cut at the end of the data). ' +
    'Rolling training holds --train before the purge; --anchored training starts at the first bar. The purge is left out between a training range and its test; ' +
    'the embargo bars after a test are neither tested nor trained on by the next window. Signals in a test window are computed on all the bars before its end, ' +
    'so indicators warm up on earlier bars, never later ones. Walk-forward efficiency = the stitched out-of-sample CAGR over the mean in-sample CAGR of the windows\' winners. ' +
    'Every setting of rrr backtest and every search flag of rrr optimize applies. Ctrl-C stops after the window in flight and prints the windows finished (exit 130).';
  static override examples = [
    '<%= config.bin %> walkforward --strategy sma-cross --data datasets/demo-a_1d.csv --train 365d --test 90d --grid fast=5:30:5 --grid slow=40:200:20',
    '<%= config.bin %> walkforward --strategy sma-cross --symbol BTC-USD --timeframe 1h --train 180d --test 30d --anchored --purge 1d --embargo 1d --method tpe --trials 100',
    '<%= config.bin %> walkforward --strategy rsi-reversion --data prices.parquet --train 2000 --test 500 --objective calmar --constraint "tradeCount>=10" --json',
  ];
  static override flags = {
    ...backtestFlags,
    ...searchFlags,
    // Checked in run() rather than `required`, so a missing flag is one sentence like every other error.
    train: Flags.string({ description: '(required) training window: bars (500, 500b) or a duration (180d, 12h, 4w, 6mo)', helpGroup: 'WINDOWS' }),
    test: Flags.string({ description: '(required) test window after each training window: bars or a duration', helpGroup: 'WINDOWS' }),
    anchored: Flags.boolean({ description: 'every training window starts at the first bar (expanding) instead of rolling', helpGroup: 'WINDOWS' }),
    purge: Flags.string({ description: 'left out between each training window and its test: bars or a duration', default: '0', helpGroup: 'WINDOWS' }),
    embargo: Flags.string({ description: 'after each test: bars or a duration neither tested nor trained on by the next window', default: '0', helpGroup: 'WINDOWS' }),
    ...reportFlags,
  };

  async run() {
    const { flags } = await this.parse(Walkforward);
    const { UserError } = await import('../errors.js');
    const { prepareBacktest } = await import('../research/backtest-job.js');
    const { toSharedBars } = await import('../research/sweep/index.js');
    const { checkGridSize } = await import('../research/search/index.js');
    const { parseWindowLength, walkForwardWindows, runWalkForward, summarizeWalkForward } = await import('../research/walkforward/index.js');
    const { renderWalkForward } = await import('../report/walkforward.js');

    for (const flag of ['train', 'test'] as const) {
      if (flags[flag] === undefined) throw new UserError(`--${flag} is missing: give the ${flag === 'train' ? 'training' : 'test'} window as bars (500) or a duration (${flag === 'train' ? '180d' : '30d'}).`, { code: 'RRR_MISSING_FLAG' });
    }
    const layout = {
      train: parseWindowLength(flags.train!, 'train'),
      test: parseWindowLength(flags.test!, 'test'),
      purge: parseWindowLength(flags.purge, 'purge'),
      embargo: parseWindowLength(flags.embargo, 'embargo'),
      anchored: flags.anchored === true,
    };
    await checkReportFlags(flags);
    const { threads, prepared: ready } = await prepareWithThreads(flags, async () => {
      const options = await backtestOptionsFromFlags(flags, this.dbPath(flags.db));
      const prepared = await prepareBacktest(options);
      const { search } = await searchFromFlags(flags, prepared.strategy, options.params);
      return { prepared, search, windows: walkForwardWindows(prepared.series[0].time, layout) };
    });
    const { prepared, search, windows } = ready;
    const time = prepared.series[0].time;

    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    const { hostname } = await import('node:os');
    // On a queue, each window's trials are its jobs; the jobs name this run (a walk-forward is not a stored study).
    // Each window's search runs its trials on the training bars.
    const perWindow = search.method === 'grid' ? checkGridSize(search.space, true) : search.trials!;
    const barTrials = windows.reduce((sum, w) => sum + perWindow * (w.train.to - w.train.from), 0) * prepared.series.length;
    const chosen = sweepThreads(flags, barTrials);
    const evaluator = threads ?? (await searchEvaluator(flags, chosen.count, { study: `walk-forward ${hostname()}:${process.pid}` }));
    if (flags.queue !== undefined) {
      const { queueSearchBatch } = await import('../research/queue/index.js');
      search.batchSize = queueSearchBatch(search.method, evaluator.concurrency);
    }
    // Threads read the bars in shared memory: moved there once, so there is one copy whatever the thread count.
    if (flags.queue === undefined && evaluator.concurrency > 1) prepared.series = toSharedBars(prepared.series);
    const started = Date.now();
    let lastProgress = 0;
    let trialsBefore = 0;
    let result;
    try {
      result = await runWalkForward(
        evaluator,
        {
          strategy: prepared.strategy,
          strategyRef: prepared.source === 'built-in' ? prepared.strategy.name : prepared.source,
          series: prepared.series,
          periodsPerYear: prepared.periodsPerYear,
          ...(prepared.riskFreeRate === undefined ? {} : { riskFreeRate: prepared.riskFreeRate }),
          sim: prepared.sim,
          search,
          windows,
        },
        {
          signal: controller.signal,
          onProgress: ({ window, windows: count, search: p }) => {
            const now = Date.now();
            if (now - lastProgress < 1000) return;
            lastProgress = now;
            // Progress over the whole walk-forward: windows done plus the share of the one in flight.
            const share = p.total ? p.done / p.total : 0;
            const progress = (window + share) / count;
            const elapsed = (now - started) / 1000;
            const eta = progress > 0 ? `, ETA ${Math.ceil((elapsed * (1 - progress)) / progress)} s` : '';
            const rate = (trialsBefore + p.done) / Math.max(0.001, elapsed);
            this.progress(`window ${window + 1}/${count}: ${p.done}/${p.total ?? '?'} trials, ${rate.toFixed(1)} trials/s${eta}${p.best ? `, best ${search.objective} ${Number(p.best.value!.toPrecision(6))}` : ''}`);
          },
          onWindow: (w) => {
            trialsBefore += w.trials.total;
          },
        },
      );
    } finally {
      process.removeListener('SIGINT', onSigint);
      await evaluator.close();
    }
    const summary = summarizeWalkForward(
      result,
      {
        strategy: prepared.strategy.name,
        symbols: prepared.symbols,
        timeframe: prepared.timeframe,
        periodsPerYear: prepared.periodsPerYear,
        windowsPlanned: windows.length,
        layout: { anchored: flags.anchored === true, train: layout.train.text, test: layout.test.text, purge: layout.purge.text, embargo: layout.embargo.text },
        search: {
          method: search.method,
          ...(search.method === 'grid' ? {} : { seed: search.seed, trials: search.trials }),
          objective: search.objective,
          direction: search.direction,
          constraints: search.constraints.map((c) => c.text),
        },
        ...(flags.queue === undefined ? { threads: { count: evaluator.concurrency, reason: chosen.reason } } : {}),
      },
      { from: time[0], to: time[time.length - 1] },
    );
    this.log(renderWalkForward(summary));
    if (result.interrupted) {
      process.exitCode = 130;
      process.stderr.write(`Interrupted: ${summary.windows.length} of ${windows.length} windows finished; their results are above.\n`);
    }
    if (flags.report === undefined) return summary;
    const { walkForwardReport } = await import('../report/html/walkforward-sections.js');
    const { describeWritten } = await import('../report/html/write.js');
    const report = await writeReport(walkForwardReport(summary), { report: flags.report, pdf: flags.pdf });
    this.log(describeWritten(report));
    return { ...summary, report };
  }
}
