import { RrrCommand } from '../_base.js';

export default class DataList extends RrrCommand {
  static override summary = 'List the stored series: symbol, timeframe, bars, first and last time, quality flags.';
  static override examples = ['<%= config.bin %> data list', '<%= config.bin %> data list --json --db ./research.duckdb'];

  async run() {
    const { flags } = await this.parse(DataList);
    const { withStore } = await import('../../data/store.js');
    const { listSeries } = await import('../../data/series.js');
    const { renderTable } = await import('../../report/table.js');
    const series = await withStore(this.dbPath(flags.db), { readOnly: true }, listSeries);
    if (series.length === 0) this.log('The store holds no series yet: import some with "rrr data import FILE --symbol S --timeframe TF".');
    else {
      const flagsText = (s: (typeof series)[number]) =>
        s.quality === null ? '' : Object.keys(s.quality.flags).length === 0 ? 'ok' : Object.entries(s.quality.flags).map(([k, v]) => `${k} ${v}`).join(', ');
      this.log(renderTable(['symbol', 'timeframe', 'bars', 'first', 'last', 'quality'], series.map((s) => [s.symbol, s.timeframe, s.rows, s.first, s.last, flagsText(s)])));
    }
    return { series };
  }
}
