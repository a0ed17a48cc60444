import { RrrCommand } from './_base.js';

export default class Demo extends RrrCommand {
  static override summary = 'Import the shipped demo data into the store, check it, and list what is stored.';
  static override description = 'The demo data is synthetic (see datasets/README.md): three daily series, 2019-2024. The store is .rrr/rrr.duckdb unless --db or RRR_DB says otherwise; running the demo again changes nothing.';
  static override examples = ['<%= config.bin %> demo', '<%= config.bin %> demo --db /tmp/demo.duckdb --json'];

  async run() {
    const { flags } = await this.parse(Demo);
    const { withStore } = await import('../data/store.js');
    const { importDemo } = await import('../data/demo.js');
    const { listSeries } = await import('../data/series.js');
    const { renderTable } = await import('../report/table.js');
    const db = this.dbPath(flags.db);
    const { imports, series } = await withStore(db, { create: true }, async (store) => ({ imports: await importDemo(store), series: await listSeries(store) }));
    for (const r of imports) {
      const issues = r.quality.checks.filter((c) => c.count > 0 && c.severity !== 'info');
      this.log(`Imported ${r.symbol} ${r.timeframe}: ${r.added} added, ${r.replaced} replaced; ${issues.length === 0 ? 'validation passed' : `validation: ${issues.map((c) => `${c.check} ${c.count}`).join(', ')}`}.`);
    }
    this.log(`\nStore ${db}:`);
    this.log(renderTable(['symbol', 'timeframe', 'bars', 'first', 'last'], series.map((s) => [s.symbol, s.timeframe, s.rows, s.first, s.last])));
    return { db, imports: imports.map(({ quality, ...rest }) => ({ ...rest, ok: quality.ok, warnings: quality.warnings })), series };
  }
}
