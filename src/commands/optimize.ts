import { Flags } from '@oclif/core';
import { RrrCommand } from './_base.js';
import { backtestFlags, backtestOptionsFromFlags } from './_backtest-flags.js';
import { prepareWithThreads, searchEvaluator, searchFlags, searchFromFlags, sweepThreads, wholeFlag } from './_search-flags.js';
import { checkReportFlags, reportFlags, writeReport } from './_report-flags.js';

/** argv without one valued flag (`--name V` or `--name=V`). */
function withoutFlag(argv: readonly string[], name: string): string[] {
  if (name === '') return [...argv];
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) i++;
    else if (!argv[i].startsWith(`--${name}=`)) out.push(argv[i]);
  }
  return out;
}

export default class Optimize extends RrrCommand {
  static override summary = 'Search a strategy\'s parameters (grid, random or TPE): ranked trials, the winner, sensitivity and its overfitting statistics.';
  static override description =
    'Every setting of rrr backtest applies to each trial. Ranges default to the strategy\'s declared ones; --grid narrows one, --param pins one. ' +
    'Trials the strategy\'s own check rejects, or that fail a --constraint, are pruned; a trial whose objective is undefined (no trades, no variance) fails. ' +
    'Beside the winner it prints the probability of backtest overfitting (CSCV over every trial that ran), and the winner\'s probabilistic and deflated Sharpe ratio ' +
    '(N = trials that ran, V = the variance of their per-bar Sharpe ratios) and minimum track record length. ' +
    'Every trial is recorded in the store under a study id; Ctrl-C stops after the trials in flight, prints the partial results (exit 130), and --resume continues the study.';
  static override examples = [
    '<%= config.bin %> optimize --strategy sma-cross --data datasets/demo-a_1d.csv --grid fast=5:50:5 --grid slow=20:200:10',
    '<%= config.bin %> optimize --strategy sma-cross --symbol BTC-USD --timeframe 1h --method tpe --trials 200 --constraint "tradeCount>=30" --fees 0.001',
    '<%= config.bin %> optimize --strategy rsi-reversion --data prices.parquet --method random --samples 500 --objective maxDrawdownPct --minimize --json',
    '<%= config.bin %> optimize --resume s3',
  ];
  static override flags = {
    ...backtestFlags,
    // Not required here: --resume takes the strategy from the study.
    strategy: Flags.string({ char: 'S', description: '(required unless --resume) built-in strategy name, or the path of a .ts/.js file exporting one' }),
    ...searchFlags,
    top: Flags.string({ description: 'how many of the best trials to print', default: '10', helpGroup: 'SEARCH' }),
    'pbo-splits': Flags.string({ description: 'CSCV blocks for the probability of backtest overfitting: an even number from 2 to 20, or 0 for none', default: '16', helpGroup: 'SEARCH' }),
    resume: Flags.string({ description: 'continue study ID (e.g. s3) with its own settings: its finished trials are not run again', helpGroup: 'STUDY' }),
    shard: Flags.string({ description: 'run shard i of n (e.g. 2/4) of a grid or random search: the trials whose number % n is i - 1; needs --out', helpGroup: 'STUDY' }),
    out: Flags.string({ char: 'o', description: 'also write every trial of this run to FILE.parquet (for rrr optimize merge)', helpGroup: 'STUDY' }),
    ...reportFlags,
  };

  async run() {
    const parsed = await this.parse(Optimize);
    const { UserError } = await import('../errors.js');
    const db = this.dbPath(parsed.flags.db);

    // --resume replays the study's own command line: the same data, settings and search.
    let resumeId: string | undefined;
    let given = parsed;
    if (parsed.flags.resume !== undefined) {
      resumeId = parsed.flags.resume;
      const extra = Object.keys(parsed.metadata.flags).filter((k) => !parsed.metadata.flags[k]?.setFromDefault && !['resume', 'db', 'wait', 'json', 'workers', 'queue', 'report', 'pdf'].includes(k));
      if (extra.length > 0) throw new UserError(`--resume continues study ${resumeId} with its own settings: remove --${extra[0]} (only --db, --wait, --json, --workers, --queue, --report and --pdf may be given with it).`);
      const { withStore } = await import('../data/store.js');
      const { getStudy } = await import('../research/optimize/study-store.js');
      const study = await withStore(db, { readOnly: true }, (store) => getStudy(store, resumeId!));
      // What to write is this invocation's choice, not the study's: the recorded --report and --pdf are dropped.
      let command = withoutFlag(withoutFlag(study.header.command, 'report'), 'pdf');
      const typed: string[] = [];
      // Where trials run (--workers, --queue) is this invocation's choice too; a recorded --queue is never there.
      for (const name of ['workers', 'queue', 'report', 'pdf'] as const) {
        const value = parsed.flags[name];
        if (value === undefined) continue;
        command = withoutFlag(command, name);
        typed.push(`--${name}`, value);
      }
      given = await this.parse(Optimize, [...command, ...typed]);
    }
    const { flags } = given;
    if (flags.strategy === undefined) throw new UserError('--strategy is missing: give a built-in strategy name or a strategy file (or --resume STUDY to continue a study).', { code: 'RRR_MISSING_FLAG' });

    const { neededMetrics } = await import('../research/optimize/objective.js');
    const { runSearch, defaultBatchSize } = await import('../research/optimize/search-loop.js');
    const { summarizeSearch, SHOWN_METRICS } = await import('../research/optimize/summary.js');
    const { parseShard, writeTrialsParquet } = await import('../research/optimize/shards.js');
    const { prepareBacktest } = await import('../research/backtest-job.js');
    const { toSharedBars } = await import('../research/sweep/index.js');
    const { checkGridSize } = await import('../research/search/index.js');
    const { MAX_SPLITS } = await import('../research/overfitting/pbo.js');
    const { formatTime } = await import('../data/time.js');
    const { renderOptimize } = await import('../report/optimize.js');

    const top = wholeFlag('top', flags.top, 1, 'a whole number of trials to print, 1 or more')!;
    const pboSplits = wholeFlag('pbo-splits', flags['pbo-splits'], 0, `0, or an even whole number from 2 to ${MAX_SPLITS} such as 16`)!;
    if (pboSplits !== 0 && (pboSplits % 2 !== 0 || pboSplits > MAX_SPLITS || pboSplits < 2)) throw new UserError(`--pbo-splits ${pboSplits} is not valid: give 0, or an even whole number from 2 to ${MAX_SPLITS} such as 16.`);
    const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
    if (shard && flags.out === undefined) throw new UserError(`--shard ${flags.shard} writes its part of the study for "rrr optimize merge": give --out FILE.parquet too.`);
    if (flags.out !== undefined && !flags.out.toLowerCase().endsWith('.parquet')) throw new UserError(`--out ${flags.out} is not a .parquet file name: the trials are written as Parquet, e.g. --out trials.parquet.`);
    if (shard && flags.method === 'tpe') throw new UserError('--shard splits grid and random searches only: TPE proposes each trial from the results before it, so run it in one process (use --workers for threads).');

    await checkReportFlags(flags);

    const { threads: local, prepared: ready } = await prepareWithThreads(flags, async () => {
      const options = await backtestOptionsFromFlags(flags, db);
      const prepared = await prepareBacktest(options);
      const parsedSearch = await searchFromFlags(flags, prepared.strategy, options.params);
      const bars = prepared.series[0].length;
      if (pboSplits > 0 && bars - 1 < 2 * pboSplits) {
        throw new UserError(`--pbo-splits ${pboSplits} needs ${2 * pboSplits} returns or more (${2 * pboSplits + 1} bars) and the data has ${bars} bars: lower --pbo-splits, or pass 0 to skip PBO.`);
      }
      return { options, prepared, parsedSearch, bars };
    });
    const { options, prepared, parsedSearch, bars } = ready;
    const { strategy } = prepared;
    const { search, fixed } = parsedSearch;
    const { method, seed, objective, direction, constraints, space } = search;
    const count = search.trials;

    // The user's backtest settings as typed, for the winner's command line and the study record.
    const settings: [string, string | true][] = [];
    for (const name of Object.keys(backtestFlags)) {
      if (name === 'param' || given.metadata.flags[name]?.setFromDefault) continue;
      const value = (flags as Record<string, unknown>)[name];
      if (value === undefined || value === false) continue;
      for (const v of Array.isArray(value) ? value : [value]) settings.push([name, v === true ? true : String(v)]);
    }
    // --db is where this machine keeps its store, not a setting of the study (shards of one study differ in
    // it), but the winner's command line needs it to find stored bars and record the run beside the study.
    const commandSettings: [string, string | true][] = flags.db === undefined ? settings : [...settings, ['db', flags.db]];

    // What was studied, as the study record and the report both name it.
    const studied = {
      strategy: strategy.name,
      symbols: prepared.symbols,
      timeframe: prepared.timeframe,
      from: formatTime(prepared.series[0].time[0]),
      to: formatTime(prepared.series[0].time[bars - 1]),
      dataFingerprint: prepared.dataFingerprint,
    };
    // A queue's jobs name their study by its id and store; a new study is named once the store gives its id.
    const queueStudy = (id: string) => `study ${id} in ${db}`;
    const gridSize = method === 'grid' ? checkGridSize(space, true) : undefined;
    // A shard's own share: grid numbers i-1, i-1+n, ... below the size; random numbers depend on pruning.
    const total = shard === undefined ? (gridSize ?? count) : gridSize === undefined ? undefined : gridSize >= shard.index ? Math.floor((gridSize - shard.index) / shard.count) + 1 : 0;
    const threads = sweepThreads(flags, (total ?? Math.ceil(count! / shard!.count)) * bars * prepared.series.length);
    const evaluator = local ?? (await searchEvaluator(flags, threads.count, resumeId === undefined ? {} : { study: queueStudy(resumeId), resumeHint: `rrr optimize --resume ${resumeId}` }));
    // Threads read the bars in shared memory: moved there once, so there is one copy whatever the thread count.
    if (flags.queue === undefined && evaluator.concurrency > 1) prepared.series = toSharedBars(prepared.series);
    // This machine's threads take the bars while the study is recorded; a queue's jobs need the study's name first.
    const loading = flags.queue === undefined ? evaluator.load(prepared.series) : undefined;
    loading?.catch(() => {}); // awaited below
    const { StudyRecorder } = await import('../research/optimize/study-store.js');
    // The study once it has its id: trials that finished before are kept in `early` and journaled then.
    let journaling: import('../research/optimize/study-store.js').StudyRecorder | undefined;
    let done: import('../research/optimize/types.js').FinishedTrial[] = [];
    // The queue's modules only for a queue: a sweep on this machine does not pay their import.
    const batchSize = flags.queue === undefined ? defaultBatchSize(method, evaluator.concurrency) : (await import('../research/queue/index.js')).queueSearchBatch(method, evaluator.concurrency);
    let studyBatch = batchSize;
    const early: import('../research/optimize/types.js').FinishedTrial[] = [];
    const opening = (async () => {
      if (resumeId !== undefined) {
        const resumed = await StudyRecorder.resume(db, resumeId, prepared.dataFingerprint);
        done = resumed.trials;
        // TPE's proposals depend on how trials were batched: a resumed study keeps the batch size it began with.
        studyBatch = Number(resumed.header.settings.batchSize ?? batchSize);
        return (journaling = resumed.recorder);
      }
      journaling = await StudyRecorder.create(db, {
        ...studied,
        source: options.files?.length ? options.files.join(', ') : 'store',
        method,
        seed: seed ?? 42,
        ...(count === undefined ? {} : { trials: count }),
        direction,
        objective,
        constraints: constraints.map((c) => c.text),
        space,
        fixedParams: fixed,
        // Shards compare settings to be merged: the batch size (from each machine's cores) is kept for TPE only.
        settings: { flags: settings, ...(method === 'tpe' ? { batchSize } : {}) },
        ...(shard ? { shard } : {}),
        pboSplits,
        // Without --queue: where trials ran is no setting of the study, and its URL may hold a password.
        command: withoutFlag(this.argv, 'queue'),
      });
      if (early.length > 0) journaling.append(early.splice(0));
      return journaling;
    })();
    const controller = new AbortController();
    // A new study on worker threads needs nothing from the store to begin: its first trials run while this thread
    // records the study (~0.2 s). Not so in this thread: the trials would hold up the recording between batches,
    // and a long search would journal nothing until it ended. A resumed study needs its finished trials first, and
    // a queue's jobs the study's name.
    const overlapped = resumeId === undefined && flags.queue === undefined && evaluator.concurrency > 1;
    if (overlapped) {
      opening.catch(() => controller.abort()); // the search stops after the trials in flight; the error is thrown below
    } else {
      // The evaluator holds threads or a Redis connection: released if the study cannot be opened.
      try {
        await opening;
      } catch (error) {
        await evaluator.close();
        throw error;
      }
      evaluator.setStudy?.(queueStudy(journaling!.id), `rrr optimize --resume ${journaling!.id}`);
    }

    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    const started = Date.now();
    let lastProgress = 0;
    let result;
    let recorder;
    // Until the study is recorded, a Ctrl-C stops the search (after the trials in flight), never the recording.
    try {
      try {
        await (loading ?? evaluator.load(prepared.series));
        result = await runSearch(
          evaluator,
          {
            strategy: prepared.source === 'built-in' ? strategy.name : prepared.source,
            sim: prepared.sim,
            periodsPerYear: prepared.periodsPerYear,
            ...(prepared.riskFreeRate === undefined ? {} : { riskFreeRate: prepared.riskFreeRate }),
            metrics: neededMetrics(objective, constraints, SHOWN_METRICS),
            pboSplits,
          },
          { from: 0, to: bars },
          { ...search, batchSize: studyBatch, ...(shard ? { shard } : {}) },
          {
            done,
            signal: controller.signal,
            onTrials: (trials) => (journaling ? journaling.append(trials) : early.push(...trials)),
            onProgress: ({ done: finished, total, best }) => {
              const now = Date.now();
              if (now - lastProgress < 1000 && finished !== total) return;
              lastProgress = now;
              const rate = finished / Math.max(0.001, (now - started) / 1000);
              const eta = total === undefined || rate === 0 ? '' : `, ETA ${Math.ceil((total - finished) / rate)} s`;
              this.progress(`${finished}/${total ?? '?'} trials, ${rate.toFixed(1)}/s${eta}${best ? `, best ${objective} ${Number(best.value!.toPrecision(6))}` : ''}`);
            },
          },
        );
      } finally {
        await evaluator.close();
        // The study's write is not left half done by an error of the search, which is then the one reported.
        await opening.catch(() => {});
      }
      recorder = await opening;
      await recorder.finish(result.interrupted ? 'interrupted' : 'complete');
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
    if (flags.out !== undefined) await writeTrialsParquet(flags.out, recorder.header, result.trials, { interrupted: result.interrupted });

    // Every complete trial is ranked for the report's table; the terminal and --json keep --top of them.
    const full = summarizeSearch(result.trials, result.interrupted, {
      study: recorder.id,
      ...studied,
      method,
      ...(method === 'grid' ? {} : { seed }),
      objective,
      direction,
      constraints: constraints.map((c) => c.text),
      space,
      total,
      top: flags.report === undefined ? top : Number.MAX_SAFE_INTEGER,
      pboSplits,
      settings: commandSettings,
    });
    const summary = { ...full, top: full.top.slice(0, top), ...(flags.queue === undefined ? { threads: { count: evaluator.concurrency, reason: threads.reason } } : {}) };
    this.log(renderOptimize(summary));
    if (result.interrupted) {
      process.exitCode = 130;
      process.stderr.write(`Interrupted: ${summary.trials.finished} trials finished and are kept in study ${recorder.id}; "rrr optimize --resume ${recorder.id}" continues it.\n`);
    }
    if (flags.report === undefined) return summary;
    const { runPrepared } = await import('../research/rerun.js');
    const { optimizeReport } = await import('../report/html/optimize-sections.js');
    const { describeWritten } = await import('../report/html/write.js');
    // The winner re-run over the whole data: its equity is what the report draws beside its statistics.
    const winner = summary.winner ? runPrepared(prepared, summary.winner.params) : undefined;
    const doc = optimizeReport({ summary, ranked: full.top, ...(winner ? { winnerEquity: { time: prepared.series[0].time, equity: winner.result.equity } } : {}) });
    const report = await writeReport(doc, { report: flags.report, pdf: flags.pdf });
    this.log(describeWritten(report));
    return { ...summary, report };
  }
}

