import { Args } from '@oclif/core';
import { RrrCommand } from '../_base.js';

export default class RunsShow extends RrrCommand {
  static override summary = 'Show one recorded run: settings, data fingerprint and metrics.';
  static override examples = ['<%= config.bin %> runs show 12', '<%= config.bin %> runs show 12 --json'];
  static override args = { id: Args.string({ description: 'run id (see rrr runs list)', required: true }) };

  async run() {
    const { args, flags } = await this.parse(RunsShow);
    const { withStore } = await import('../../data/store.js');
    const { getRun } = await import('../../data/runs.js');
    const { renderPairs } = await import('../../report/table.js');
    const { describeSettings } = await import('../../report/settings.js');
    const { METRIC_DESCRIPTIONS, METRIC_KEYS } = await import('../../engine/metrics.js');
    const run = await withStore(this.dbPath(flags.db), { create: false, readOnly: true }, (store) => getRun(store, args.id));
    this.log(renderPairs([
      ['Run', run.id],
      ['Created', run.createdAt],
      ['Strategy', `${run.strategy} ${Object.entries(run.params).map(([k, v]) => `${k}=${v}`).join(' ')}`],
      ['Data', `${run.symbols.join(', ')} ${run.timeframe}, ${run.from} .. ${run.to} (fingerprint ${run.dataFingerprint})`],
      ...(run.tags.length > 0 ? [['Tags', run.tags.join(' ')] as [string, string]] : []),
      ...describeSettings(run.settings),
    ]));
    this.log('');
    this.log(renderPairs(METRIC_KEYS.map((k) => [METRIC_DESCRIPTIONS[k].label, run.metrics[k] ?? 'n/a'])));
    return run;
  }
}
