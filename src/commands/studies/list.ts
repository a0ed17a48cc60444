import { Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';

export default class StudiesList extends RrrCommand {
  static override summary = 'List recorded optimize studies, newest first.';
  static override description =
    'State: running (a process runs it now), stopped (its process was killed: "rrr optimize --resume ID" continues it), ' +
    'interrupted (Ctrl-C: resumable too) or complete. Trials counts the finished ones, including those still in a running study\'s journal.';
  static override examples = ['<%= config.bin %> studies list', '<%= config.bin %> studies list --strategy sma-cross --limit 50 --json'];
  static override flags = {
    strategy: Flags.string({ description: 'only studies of this strategy' }),
    limit: Flags.integer({ description: 'how many studies', default: 20, min: 1 }),
  };

  async run() {
    const { flags } = await this.parse(StudiesList);
    const { withStore } = await import('../../data/store.js');
    const { listStudies, studyStateLabel } = await import('../../research/optimize/study-store.js');
    const { renderTable, formatNumber } = await import('../../report/table.js');
    const studies = await withStore(this.dbPath(flags.db), { readOnly: true }, (store) => listStudies(store, { strategy: flags.strategy, limit: flags.limit }));
    if (studies.length === 0) this.log('No studies recorded yet: run "rrr optimize".');
    else {
      this.log(renderTable(
        ['id', 'created', 'state', 'strategy', 'data', 'method', 'objective', 'trials', 'complete', 'best'],
        studies.map((s) => [
          s.id,
          `${s.createdAt.slice(0, 19)}Z`,
          studyStateLabel(s),
          s.strategy,
          `${s.symbols.join(',')} ${s.timeframe}`,
          `${s.method}${s.header.shard ? ` ${s.header.shard.index}/${s.header.shard.count}` : ''}`,
          `${s.direction === 'minimize' ? 'min' : 'max'} ${s.objective}`,
          s.trialCount,
          s.completeCount,
          s.bestValue === null ? 'n/a' : formatNumber(s.bestValue),
        ]),
      ));
    }
    return { studies: studies.map(({ header: _header, ...s }) => ({ ...s, state: studyStateLabel(s) })) };
  }
}
