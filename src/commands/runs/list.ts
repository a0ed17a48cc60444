import { Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';

export default class RunsList extends RrrCommand {
  static override summary = 'List recorded backtest runs, newest first.';
  static override examples = [
    '<%= config.bin %> runs list',
    '<%= config.bin %> runs list --strategy sma-cross --limit 50 --json',
    '<%= config.bin %> runs list --tag baseline',
  ];
  static override flags = {
    strategy: Flags.string({ description: 'only runs of this strategy' }),
    tag: Flags.string({ description: 'only runs with this tag (see rrr runs tag)' }),
    limit: Flags.integer({ description: 'how many runs', default: 20, min: 1 }),
  };

  async run() {
    const { flags } = await this.parse(RunsList);
    const { withStore } = await import('../../data/store.js');
    const { listRuns, parseTag } = await import('../../data/runs.js');
    const { renderTable } = await import('../../report/table.js');
    const tag = flags.tag === undefined ? undefined : parseTag(flags.tag);
    const runs = await withStore(this.dbPath(flags.db), { readOnly: true }, (store) => listRuns(store, { strategy: flags.strategy, tag, limit: flags.limit }));
    const m = (r: (typeof runs)[number], k: string) => {
      const v = r.metrics[k];
      return typeof v === 'number' ? Number(v.toFixed(3)) : null;
    };
    if (runs.length === 0) {
      const filters = [flags.strategy === undefined ? '' : `of ${flags.strategy}`, tag === undefined ? '' : `tagged "${tag}"`].filter((f) => f !== '').join(' ');
      this.log(filters === '' ? 'No runs recorded yet: run "rrr backtest".' : `No runs ${filters} (see "rrr runs list" for all runs).`);
    } else {
      // The tags column appears once any listed run has a tag, so untagged stores list as they always did.
      const tagged = runs.some((r) => r.tags.length > 0);
      this.log(renderTable(
        ['id', 'created', 'strategy', 'data', 'return %', 'sharpe', 'max DD %', 'trades', ...(tagged ? ['tags'] : [])],
        runs.map((r) => [
          r.id, r.createdAt, `${r.strategy} ${Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ')}`, `${r.symbols.join(',')} ${r.timeframe}`,
          m(r, 'totalReturnPct'), m(r, 'sharpe'), m(r, 'maxDrawdownPct'), m(r, 'tradeCount'), ...(tagged ? [r.tags.join(' ')] : []),
        ]),
      ));
    }
    return { runs };
  }
}
