import { Args, Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';

export default class RunsRerun extends RrrCommand {
  static override summary = 'Re-run a recorded run on the data it ran on, print it as rrr backtest does, and say whether its metrics are the same.';
  static override description =
    'The run\'s strategy, parameters, data and settings are re-run as recorded; data that changed since (by fingerprint) is refused. ' +
    'The re-run is recorded as a new run unless --no-record. Exit 1 when any metric differs from the recorded one.';
  static override examples = ['<%= config.bin %> runs rerun 12', '<%= config.bin %> runs rerun 12 --no-record --json'];
  static override args = { id: Args.string({ description: 'run id (see rrr runs list)', required: true }) };
  static override flags = {
    record: Flags.boolean({ description: 'record the re-run as a new run (--no-record: do not)', default: true, allowNo: true }),
    trades: Flags.integer({ description: 'how many of the last trades to print', default: 10, min: 0 }),
  };

  async run() {
    const { args, flags } = await this.parse(RunsRerun);
    const { rerunRecordedRun } = await import('../../research/rerun.js');
    const { jobResult, recordOrSayWhyNot } = await import('../../research/backtest-job.js');
    const { renderBacktest } = await import('../../report/backtest.js');
    const { describeReproduction, metricDifferences } = await import('../../report/runs.js');
    const db = this.dbPath(flags.db);
    this.progress(`Re-running run ${args.id}...`);
    const { run, prepared, backtest } = await rerunRecordedRun(args.id, db);
    const metrics = backtest.metrics as unknown as Record<string, unknown>;
    const differences = metricDifferences(run.metrics, metrics);
    // Recorded as the original was, with the settings it recorded: the re-run derived its options from them.
    const { id: _id, createdAt: _created, tags: _tags, ...recorded } = run;
    const { runId, notRecorded } = flags.record ? await recordOrSayWhyNot(db, { ...recorded, params: backtest.params, metrics }) : { runId: null, notRecorded: undefined };
    const job = jobResult(prepared, backtest, { runId, notRecorded, from: run.from, to: run.to, recordedSettings: run.settings, outFiles: [] });
    this.log(renderBacktest(job, [], flags.trades));
    this.log('');
    this.log(`Re-run of run ${run.id} (recorded ${run.createdAt}). ${describeReproduction(run.id, differences)}`);
    if (differences.length > 0) {
      process.exitCode = 1;
      process.stderr.write(`Run ${run.id} was not reproduced: ${differences.length} metric${differences.length === 1 ? ' differs' : 's differ'} (${differences.map((d) => d.metric).join(', ')}).\n`);
    }
    if (notRecorded !== undefined) {
      process.exitCode = 1;
      process.stderr.write(`The re-run finished but was not recorded: ${notRecorded} Its results are above; run it again to record it.\n`);
    }
    const { backtest: _b, bars: _bars, ...result } = job;
    return { ...result, rerunOf: run.id, sameMetrics: differences.length === 0, differences };
  }
}
