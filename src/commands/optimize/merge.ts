import { Args, Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';

export default class OptimizeMerge extends RrrCommand {
  static override summary = 'Merge the Parquet shards of one study (rrr optimize --shard i/n --out FILE) into the ranking and statistics of one run.';
  static override description =
    'Give the shard files, or the directories holding them. They are read through DuckDB and must be all n shards of one study: ' +
    'the same strategy, data (fingerprint), search, objective and settings, each shard once. Nothing is written.';
  static override examples = [
    '<%= config.bin %> optimize merge shards/',
    '<%= config.bin %> optimize merge shard-1.parquet shard-2.parquet shard-3.parquet --top 20 --json',
  ];
  static override strict = false;
  // Not required by oclif: readShards says in one sentence what to give.
  static override args = { shards: Args.string({ description: 'shard files or directories of them' }) };
  static override flags = {
    top: Flags.integer({ description: 'how many of the best trials to print', default: 10, min: 1 }),
  };

  async run() {
    const { argv, flags } = await this.parse(OptimizeMerge);
    const { readShards } = await import('../../research/optimize/shards.js');
    const { studySummaryContext } = await import('../../research/optimize/study-store.js');
    const { summarizeSearch } = await import('../../research/optimize/summary.js');
    const { renderOptimize } = await import('../../report/optimize.js');
    const { UserError } = await import('../../errors.js');
    for (const name of ['db', 'wait'] as const) {
      if (flags[name] !== undefined) throw new UserError(`--${name} does not apply to rrr optimize merge, which reads only the shard files and no store: remove --${name}.`);
    }
    const { header, trials } = await readShards(argv as string[]);
    const summary = summarizeSearch(trials, false, studySummaryContext(header, flags.top));
    this.log(renderOptimize(summary));
    return summary;
  }
}
