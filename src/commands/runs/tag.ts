import { Args, Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';

export default class RunsTag extends RrrCommand {
  static override summary = 'Tag a recorded run (or remove tags with --remove); rrr runs list --tag TAG finds them.';
  static override description = 'A tag is 1 to 64 letters, digits and . _ : / -, starting with a letter or digit, and not a bare number.';
  static override examples = ['<%= config.bin %> runs tag 3 baseline', '<%= config.bin %> runs tag 3 candidate v2', '<%= config.bin %> runs tag 3 candidate --remove'];
  static override strict = false;
  static override usage = 'runs tag ID TAG... [--remove] [--json]';
  static override args = {
    id: Args.string({ description: 'run id (see rrr runs list)', required: false }),
    tags: Args.string({ description: 'one or more tags' }),
  };
  static override flags = {
    remove: Flags.boolean({ description: 'remove these tags instead of adding them', default: false }),
  };

  async run() {
    const { argv, flags } = await this.parse(RunsTag);
    const words = argv.map(String);
    const { UserError } = await import('../../errors.js');
    const flag = words.find((a) => a.startsWith('-'));
    if (flag !== undefined) throw new UserError(`Unknown flag ${flag}: see "rrr runs tag --help" for the flags it accepts.`, { code: 'RRR_UNKNOWN_FLAG' });
    const [id, ...tags] = words;
    if (tags.length === 0) throw new UserError(`rrr runs tag takes a run id and at least one tag, e.g. "rrr runs tag ${id ?? 3} baseline".`);
    const { withStore } = await import('../../data/store.js');
    const { addTags, parseTag, removeTags } = await import('../../data/runs.js');
    tags.forEach(parseTag);
    const change = await withStore(this.dbPath(flags.db), { create: false, recordsOnly: true }, (store) => (flags.remove ? removeTags(store, id, tags) : addTags(store, id, tags)));
    const list = (t: readonly string[]) => (t.length === 0 ? 'none' : t.join(' '));
    const unchanged = flags.remove ? [] : tags.filter((t) => !change.changed.includes(t));
    this.log(
      `Run ${change.run.id}: ${flags.remove ? 'removed' : 'added'} ${list(change.changed)}${unchanged.length > 0 ? ` (already tagged ${[...new Set(unchanged)].join(' ')})` : ''}; its tags are now ${list(change.run.tags)}.`,
    );
    return { id: change.run.id, tags: change.run.tags, [flags.remove ? 'removed' : 'added']: change.changed };
  }
}
