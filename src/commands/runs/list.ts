import { Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';

export default class RunsList extends RrrCommand {
  static override summary = 'List recorded backtest runs, newest first.';
  static override examples = ['<%= config.bin %> runs list', '<%= config.bin %> runs list --strategy sma-cross --limit 50 --json'];
  static override flags = {
    strategy: Flags.string({ description: 'only runs of this strategy' }),
    limit: Flags.integer({ description: 'how many runs', default: 20, min: 1 }),
  };

  async run() {
    const { flags } = await this.parse(RunsList);
    const { withStore } = await import('../../data/store.js');
    const { listRuns } = await import('../../data/runs.js');
    const { renderTable } = await import('../../report/table.js');
    const runs = await withStore(this.dbPath(flags.db), { readOnly: true }, (store) => listRuns(store, { strategy: flags.strategy, limit: flags.limit }));
    const m = (r: (typeof runs)[number], k: string) => {
      const v = r.metrics[k];
      return typeof v === 'number' ? Number(v.toFixed(3)) : null;
    };
    if (runs.length === 0) this.log('No runs recorded yet: run "rrr backtest".');
    else {
      this.log(renderTable(
        ['id', 'created', 'strategy', 'data', 'return %', 'sharpe', 'max DD %', 'trades'],
        runs.map((r) => [r.id, r.createdAt, `${r.strategy} ${Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ')}`, `${r.symbols.join(',')} ${r.timeframe}`, m(r, 'totalReturnPct'), m(r, 'sharpe'), m(r, 'maxDrawdownPct'), m(r, 'tradeCount')]),
      ));
    }
    return { runs };
  }
}
