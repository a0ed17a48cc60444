import { Args, Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';

export default class NotebookRun extends RrrCommand {
  static override summary = 'Run every code cell of Jupyter notebooks (TypeScript) in order and write their outputs back.';
  static override description =
    'Each notebook runs in a fresh kernel process whose working directory is the notebook\'s folder; its cells share one scope ' +
    '(what cell 1 declares or imports, cell 3 sees), each cell is TypeScript transpiled on its own (types stripped by esbuild, as tsx does) and may use top-level await. ' +
    'Console output becomes stream outputs, a cell\'s last expression its result (a DataFrame as a table), an exception an error output; the run stops at the first failing cell, ' +
    'clears the outputs of the cells after it, and the command exits 1 naming the cell (--timeout also fails a cell that runs too long). Outputs are written back as nbformat 4 (metadata kept) unless --no-write. ' +
    'Import the library as "rrr-backtest" (or by relative path). --db (or RRR_DB) sets the store the library opens by default, resolved from where rrr runs. ' +
    'Exit code 2: a file that is missing, not JSON or not nbformat 4 (nothing runs then).';
  static override examples = [
    '<%= config.bin %> notebook run notebooks/*.ipynb',
    '<%= config.bin %> notebook run notebooks/01-data-and-backtest.ipynb --no-write',
    '<%= config.bin %> notebook run notebooks/*.ipynb --no-write --json',
  ];
  static override strict = false;
  static override args = { files: Args.string({ description: 'one or more .ipynb files (a shell glob such as notebooks/*.ipynb)' }) };
  static override flags = {
    write: Flags.boolean({ description: 'write the outputs into the notebooks (--no-write: only check that every cell runs)', default: true, allowNo: true }),
    timeout: Flags.string({ description: 'seconds a cell may run before it fails and its notebook stops (the first cell\'s time includes starting the kernel) [default: no limit]' }),
  };

  async run() {
    const { argv, flags } = await this.parse(NotebookRun);
    const { UserError, closest } = await import('../../errors.js');
    const { readNotebook } = await import('../../notebook/nbformat.js');
    const { runNotebook, failureSentence } = await import('../../notebook/run.js');
    const files = argv.map(String);
    // strict = false (any number of files) leaves an unknown flag among the files: refuse it as a flag.
    const flag = files.find((f) => f.startsWith('-'));
    if (flag !== undefined) {
      const near = closest(flag.replace(/^-+/, '').replace(/=.*$/, ''), ['write', 'no-write', 'timeout', 'json', 'db', 'wait']);
      throw new UserError(near ? `Unknown flag ${flag}. Did you mean --${near}?` : `Unknown flag ${flag}: see "rrr notebook run --help" for the flags it accepts.`, { code: 'RRR_UNKNOWN_FLAG' });
    }
    if (files.length === 0) throw new UserError('rrr notebook run needs one or more notebook files, e.g. "rrr notebook run notebooks/*.ipynb".', { code: 'RRR_NO_NOTEBOOK' });
    const twice = files.find((f, k) => files.indexOf(f) !== k);
    if (twice !== undefined) throw new UserError(`Notebook ${twice} is given twice: give each notebook once.`, { code: 'RRR_DUPLICATE_NOTEBOOK' });
    if (flags.wait !== undefined) throw new UserError('--wait does not apply to rrr notebook run: a notebook opens its stores itself, so remove --wait.', { code: 'RRR_SETTING_NOT_APPLICABLE' });
    let cellTimeoutMs: number | undefined;
    if (flags.timeout !== undefined) {
      const seconds = Number(flags.timeout);
      if (!(flags.timeout.trim() !== '' && Number.isFinite(seconds) && seconds > 0)) {
        throw new UserError(`--timeout "${flags.timeout}" is not valid: give the seconds a cell may run, a number above 0, e.g. 600.`, { code: 'RRR_BAD_TIMEOUT' });
      }
      cellTimeoutMs = seconds * 1000;
    }
    // Every file is checked before any runs: a typo in the list fails at once, not after the first notebooks.
    for (const file of files) readNotebook(file);
    // --db (or RRR_DB) is the store a notebook's default-store calls use, resolved here: the kernel's working
    // directory is the notebook's folder. Without either, the default store is relative to that folder, as in Jupyter.
    if (flags.db !== undefined || process.env.RRR_DB !== undefined) process.env.RRR_DB = this.dbPath(flags.db);

    const results = [];
    for (const file of files) {
      const result = await runNotebook(file, {
        write: flags.write,
        cellTimeoutMs,
        onCell: (done, total) => this.progress(`${file}: cell ${done}/${total}`),
      });
      results.push(result);
      if (result.failed) process.stderr.write(`Error: ${failureSentence(result)}\n`);
      else this.log(`${file}: ${result.cellsRun} code cell${result.cellsRun === 1 ? '' : 's'} ran${result.written ? ', outputs written' : ' (not written: --no-write)'}.`);
    }
    if (results.some((r) => r.failed)) process.exitCode = 1;
    return { notebooks: results.map((r) => ({ ...r, seconds: Number(r.seconds.toFixed(3)) })) };
  }
}
