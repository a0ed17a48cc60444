import { RrrCommand } from '../_base.js';

export default class DataCompact extends RrrCommand {
  static override summary = 'Rewrite the store into a new file holding only live data, and put it in place of the old one.';
  static override description =
    'DuckDB reuses the space of removed or replaced bars for later writes but seldom returns it to the file system: an upsert that ' +
    'rewrites a series leaves the file about twice its size. Compacting copies the store and renames the copy into place; other rrr ' +
    'processes wait meanwhile (--wait), and a failure (a full disk) leaves the store as it was. It needs free space for the copy.';
  static override examples = ['<%= config.bin %> data compact', '<%= config.bin %> data compact --db ./research.duckdb --json'];

  async run() {
    const { flags } = await this.parse(DataCompact);
    const { compactStore } = await import('../../data/store-compact.js');
    const result = await compactStore(this.dbPath(flags.db));
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    this.log(`Compacted ${result.path}: ${mb(result.bytesBefore)} -> ${mb(result.bytesAfter)}.`);
    return result;
  }
}
