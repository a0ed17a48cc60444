import { Args } from '@oclif/core';
import { RrrCommand } from '../_base.js';
import { runIdArgs } from './_ids.js';

export default class RunsCompare extends RrrCommand {
  static override summary = 'Put recorded runs side by side: the settings that differ, every metric, the better value marked.';
  static override description =
    'Shows each run\'s strategy, data, period and data fingerprint, the parameters and settings that are not the same in every run, ' +
    'and every metric with the better value marked (* by the direction in the last column: higher return, lower drawdown, ...).';
  static override examples = ['<%= config.bin %> runs compare 3 4', '<%= config.bin %> runs compare 3 4 7 --json'];
  static override strict = false;
  static override usage = 'runs compare ID ID [ID...] [--json]';
  static override args = { ids: Args.string({ description: 'two or more run ids (see rrr runs list)', required: false }) };

  async run() {
    const { argv, flags } = await this.parse(RunsCompare);
    const ids = runIdArgs(argv, { min: 2, command: 'rrr runs compare', example: 'rrr runs compare 3 4' });
    const { withStore } = await import('../../data/store.js');
    const { getRuns } = await import('../../data/runs.js');
    const { compareRuns, renderComparison } = await import('../../report/runs.js');
    const runs = await withStore(this.dbPath(flags.db), { create: false, readOnly: true }, (store) => getRuns(store, ids));
    const comparison = compareRuns(runs);
    this.log(renderComparison(runs, comparison));
    return comparison;
  }
}
