import { Args, Flags } from '@oclif/core';
import { RrrCommand } from './_base.js';

export default class Report extends RrrCommand {
  static override summary = 'Write a recorded run as one self-contained HTML tear sheet (and optionally a PDF).';
  static override description =
    'The run is re-run on the data it was recorded on (refused if that data changed) and drawn: price with trades (candles when zoomed in), equity against buy-and-hold, ' +
    'drawdowns, monthly and yearly returns, trade returns, rolling Sharpe, the trades, metrics and settings. The file inlines everything (uPlot, styles, data) and its ' +
    'Content-Security-Policy forbids network requests, so it opens offline. --pdf prints it through a local Chromium. The store is only read.';
  static override examples = [
    '<%= config.bin %> report 12 --out report.html',
    '<%= config.bin %> report 12 --out report.html --pdf report.pdf',
    '<%= config.bin %> report 12 --out report.html --json',
  ];
  static override args = { id: Args.string({ description: 'run id (see rrr runs list)', required: true }) };
  static override flags = {
    out: Flags.string({ char: 'o', description: 'the HTML file to write (required)' }),
    pdf: Flags.string({ description: 'also print the report to this PDF file (needs Chromium or Chrome; $RRR_CHROMIUM names one)' }),
  };

  async run() {
    const { args, flags } = await this.parse(Report);
    const { UserError } = await import('../errors.js');
    // Checked here rather than by oclif, whose refusal is three lines and a help screen.
    if (flags.out === undefined) throw new UserError(`rrr report needs --out FILE, the HTML file to write: e.g. rrr report ${args.id} --out report.html.`, { code: 'RRR_MISSING_OUT' });
    const { checkReportOutputs, describeWritten, writeReportFile } = await import('../report/html/write.js');
    const { backtestReport } = await import('../report/html/backtest-sections.js');
    const { rerunRecordedRun } = await import('../research/rerun.js');
    // Every output is checked before the run is re-run: a refusal costs nothing and writes nothing.
    checkReportOutputs(flags.out, { pdf: flags.pdf });
    this.progress(`Re-running run ${args.id}...`);
    const { run, prepared, backtest } = await rerunRecordedRun(args.id, this.dbPath(flags.db));
    const doc = backtestReport({
      runId: run.id,
      strategy: run.strategy,
      symbols: run.symbols,
      timeframe: run.timeframe,
      from: run.from,
      to: run.to,
      dataFingerprint: run.dataFingerprint,
      recordedSettings: run.settings,
      periodsPerYear: prepared.periodsPerYear,
      backtest,
      bars: prepared.series,
      version: this.config.version,
    });
    this.progress(flags.pdf === undefined ? 'Writing the report...' : 'Writing the report and printing it to PDF...');
    const written = await writeReportFile(doc, flags.out, { pdf: flags.pdf });
    this.log(describeWritten(written));
    return { runId: run.id, ...written };
  }
}
