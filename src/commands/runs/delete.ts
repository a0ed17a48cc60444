import { Args, Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';
import { runIdArgs } from './_ids.js';

export default class RunsDelete extends RrrCommand {
  static override summary = 'Delete recorded runs and their tags (asks first on a terminal unless --yes).';
  static override description =
    'All the runs named are deleted in one transaction, or none when any id is unknown. Without a terminal to ask on, --yes is required.';
  static override examples = ['<%= config.bin %> runs delete 3', '<%= config.bin %> runs delete 3 4 7 --yes'];
  static override strict = false;
  static override usage = 'runs delete ID... [--yes] [--json]';
  static override args = { ids: Args.string({ description: 'one or more run ids (see rrr runs list)', required: false }) };
  static override flags = {
    yes: Flags.boolean({ char: 'y', description: 'delete without asking', default: false }),
  };

  async run() {
    const { argv, flags } = await this.parse(RunsDelete);
    const ids = runIdArgs(argv, { min: 1, command: 'rrr runs delete', example: 'rrr runs delete 3' });
    if (!flags.yes) this.requireTerminal(`delete run${ids.length === 1 ? '' : 's'} ${ids.join(', ')}`);
    const { withStore } = await import('../../data/store.js');
    const { deleteRuns, getRuns } = await import('../../data/runs.js');
    const db = this.dbPath(flags.db);
    const describe = (r: { id: number; strategy: string; params: Record<string, unknown>; symbols: string[]; timeframe: string }) =>
      `${r.id} (${[r.strategy, ...Object.entries(r.params).map(([k, v]) => `${k}=${v}`)].join(' ')}, ${r.symbols.join(',')} ${r.timeframe})`;
    if (!flags.yes) {
      // Read first (an unknown id is refused before anything is asked), and hold no store while the user thinks.
      const runs = await withStore(db, { create: false, readOnly: true }, (store) => getRuns(store, ids));
      // As rrr data remove: declining is an answer, not a failure.
      if (!(await this.confirm(`Delete run${runs.length === 1 ? '' : 's'} ${runs.map(describe).join(', ')} and ${runs.length === 1 ? 'its' : 'their'} tags from ${db}?`))) {
        this.log('Nothing deleted.');
        return { deleted: [], runs: [] };
      }
    }
    const deleted = await withStore(db, { create: false, recordsOnly: true }, (store) => deleteRuns(store, ids));
    this.log(`Deleted run${deleted.length === 1 ? '' : 's'} ${deleted.map(describe).join(', ')} from ${db}.`);
    return { deleted: deleted.map((r) => r.id), runs: deleted };
  }
}
