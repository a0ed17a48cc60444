import { RrrCommand } from './_base.js';

export default class Demo extends RrrCommand {
  static override summary = 'Import the shipped demo data into the store and backtest sma-cross on it.';
  static override description =
    'The demo data is synthetic (see datasets/README.md): three daily series, 2019-2024. They are imported (upserted) into the store, ' +
    '.rrr/rrr.duckdb unless --db or RRR_DB says otherwise, validated, and DEMO-A is backtested with sma-cross (0.1% fees, 2 bps slippage). ' +
    'The run is recorded like any other (rrr runs list).';
  static override examples = ['<%= config.bin %> demo', '<%= config.bin %> demo --db /tmp/demo.duckdb --json'];

  async run() {
    const { flags } = await this.parse(Demo);
    const { withStore } = await import('../data/store.js');
    const { importDemo } = await import('../data/demo.js');
    const { runBacktestJob } = await import('../research/backtest-job.js');
    const { renderBacktest } = await import('../report/backtest.js');
    const db = this.dbPath(flags.db);
    const imports = await withStore(db, { create: true }, importDemo);
    for (const r of imports) {
      const issues = r.quality.checks.filter((c) => c.count > 0 && c.severity !== 'info');
      this.log(`Imported ${r.symbol} ${r.timeframe} into ${db}: ${r.added} added, ${r.replaced} replaced; ${issues.length === 0 ? 'validation passed' : `validation: ${issues.map((c) => `${c.check} ${c.count}`).join(', ')}`}.`);
    }
    this.log('\n$ rrr backtest --strategy sma-cross --symbol DEMO-A --timeframe 1d --fees 0.001 --slippage 2\n');
    const job = await runBacktestJob({ strategy: 'sma-cross', symbols: ['DEMO-A'], timeframe: '1d', db, sim: { feeRate: 0.001, slippageBps: 2 } });
    this.log(renderBacktest(job, [], 5));
    const { backtest: _b, bars: _bars, ...backtest } = job;
    return { db, imports: imports.map(({ quality, ...rest }) => ({ ...rest, ok: quality.ok, warnings: quality.warnings })), backtest };
  }
}
