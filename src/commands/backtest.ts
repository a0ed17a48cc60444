import { Flags } from '@oclif/core';
import { RrrCommand } from './_base.js';
import { backtestFlags, backtestOptionsFromFlags } from './_backtest-flags.js';
import { checkReportFlags, reportFlags, writeReport } from './_report-flags.js';

export default class Backtest extends RrrCommand {
  static override summary = 'Backtest a strategy on stored bars or a file: settings, metrics, trades; recorded as a run.';
  static override description =
    'Signals computed on bar t fill at the open of bar t+1 (--fill close: at bar t\'s close). Stops and targets are checked against high/low from the fill on; costs are adverse. ' +
    'Semantics: docs/simulation.md; metric formulas: docs/metrics.md. Every run is recorded in the store (rrr runs list).';
  static override examples = [
    '<%= config.bin %> backtest --strategy sma-cross --symbol BTC-USD --timeframe 1h --param fast=10 --param slow=50 --fees 0.001 --slippage 2 --from 2018-01-01 --to 2019-01-01',
    '<%= config.bin %> backtest --strategy donchian-breakout --symbol DEMO-A --timeframe 1d --direction both --json',
    '<%= config.bin %> backtest --strategy ./my-strategy.ts --data prices.parquet --stop-loss 2atr --take-profit 0.06',
    '<%= config.bin %> backtest --strategy pairs --symbol DEMO-A --symbol DEMO-B --timeframe 1d',
    '<%= config.bin %> backtest --strategy sma-cross --symbol DEMO-A --timeframe 1d --assert "sharpe>1" --assert "maxDrawdownPct<25"',
    '<%= config.bin %> backtest --strategy sma-cross --symbol DEMO-A --timeframe 1d --report report.html',
  ];
  static override flags = {
    ...backtestFlags,
    assert: Flags.string({ description: 'fail (exit 1) unless METRIC OP NUMBER holds, e.g. "sharpe>1" (repeatable)', multiple: true, helpGroup: 'METRICS' }),
    out: Flags.string({ char: 'o', description: 'write trades, orders and the equity curve as Parquet and CSV into this directory' }),
    trades: Flags.integer({ description: 'how many of the last trades to print', default: 10, min: 0 }),
    ...reportFlags,
  };

  async run() {
    const { flags } = await this.parse(Backtest);
    const { parseAssertion, checkAssertions } = await import('../report/assertions.js');
    const { METRIC_KEYS } = await import('../engine/metrics.js');
    const { runBacktestJob } = await import('../research/backtest-job.js');
    const { renderBacktest } = await import('../report/backtest.js');
    const assertions = (flags.assert ?? []).map((a) => parseAssertion(a, METRIC_KEYS));
    const options = await backtestOptionsFromFlags(flags, this.dbPath(flags.db));
    // The report's paths (and the browser for --pdf) are checked before the run, which would otherwise be recorded for nothing.
    await checkReportFlags(flags);
    this.progress(`Backtesting ${flags.strategy}...`);
    const job = await runBacktestJob({ ...options, outDir: flags.out });
    const outcomes = checkAssertions(assertions, job.metrics as unknown as Record<string, unknown>);
    this.log(renderBacktest(job, outcomes, flags.trades));
    const failed = outcomes.filter((o) => !o.passed);
    if (failed.length > 0) {
      process.exitCode = 1;
      process.stderr.write(`Failed: ${failed.map((o) => `${o.text} (${o.metric} is ${o.actual ?? 'undefined'})`).join('; ')}.\n`);
    }
    if (job.notRecorded !== undefined) {
      process.exitCode = 1;
      process.stderr.write(`The backtest finished but was not recorded: ${job.notRecorded} Its results are above; run it again to record it.\n`);
    }
    let report: Awaited<ReturnType<typeof writeReport>> | undefined;
    if (flags.report !== undefined) {
      const { backtestReport } = await import('../report/html/backtest-sections.js');
      const { describeWritten } = await import('../report/html/write.js');
      this.progress('Writing the report...');
      report = await writeReport(backtestReport({ ...job, version: this.config.version }), { report: flags.report, pdf: flags.pdf });
      this.log(describeWritten(report));
    }
    const { backtest: _b, bars: _bars, ...result } = job;
    return { ...result, assertions: outcomes, passed: failed.length === 0, ...(report === undefined ? {} : { report }) };
  }
}
