import { Args, Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';

export default class StudiesShow extends RrrCommand {
  static override summary = 'Show one recorded optimize study: its ranking, winner, sensitivity and overfitting statistics, as rrr optimize printed them.';
  static override description = 'A running or stopped study is shown with the trials finished so far (its journal included); nothing is written.';
  static override examples = ['<%= config.bin %> studies show s3', '<%= config.bin %> studies show s3 --top 20 --json'];
  static override args = { id: Args.string({ description: 'study id (see rrr studies list)', required: true }) };
  static override flags = {
    top: Flags.integer({ description: 'how many of the best trials to print', default: 10, min: 1 }),
  };

  async run() {
    const { args, flags } = await this.parse(StudiesShow);
    const { withStore } = await import('../../data/store.js');
    const { getStudy, studyStateLabel, studySummaryContext } = await import('../../research/optimize/study-store.js');
    const { shellQuote, summarizeSearch } = await import('../../research/optimize/summary.js');
    const { renderOptimize } = await import('../../report/optimize.js');
    const { renderPairs } = await import('../../report/table.js');
    const study = await withStore(this.dbPath(flags.db), { create: false, readOnly: true }, (store) => getStudy(store, args.id));
    const state = studyStateLabel(study);
    const summary = summarizeSearch(study.trials, study.state !== 'complete', { ...studySummaryContext(study.header, flags.top), study: study.id });
    const resumable = state === 'stopped' || state === 'interrupted';
    this.log(renderPairs([
      ['State', `${state}${resumable ? ` (continue it with "rrr optimize --resume ${study.id}")` : ''}`],
      ['Created', study.createdAt],
      ['Command', ['rrr', 'optimize', ...study.header.command].map(shellQuote).join(' ')],
    ]));
    this.log(renderOptimize(summary));
    const { trials: _trials, header, ...listing } = study;
    return { ...listing, state, header, summary };
  }
}
