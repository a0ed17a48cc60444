import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rrr, tempDir } from '../helpers/cli.js';

/** A notebook of code cells with these sources, written to `dir`. */
function notebook(dir: string, name: string, sources: string[]): void {
  const cells = sources.map((source, k) => ({ id: `c${k}`, cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null }));
  writeFileSync(join(dir, name), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));
}

describe('rrr notebook run: every way a cell can fail names that cell', () => {
  it('a syntax error, an unawaited rejection, a throw in a timer, and a cell that ends the process', () => {
    const dir = tempDir('rrr-notebook-');
    notebook(dir, 'syntax.ipynb', ['const a = 1;', 'const x: = 1;']);
    notebook(dir, 'rejection.ipynb', ['Promise.reject(new Error("nobody awaited me"));\n1', 'console.log("not reached")']);
    notebook(dir, 'timer.ipynb', ['setTimeout(() => { throw new TypeError("in a timer"); }, 0);\nawait new Promise((r) => setTimeout(r, 50));']);
    notebook(dir, 'exit.ipynb', ['let n = 1;', 'process.exit(3)']);
    notebook(dir, 'import.ipynb', ["import { join, nope } from 'node:path';"]);
    const result = rrr(['notebook', 'run', 'syntax.ipynb', 'rejection.ipynb', 'timer.ipynb', 'exit.ipynb', 'import.ipynb', '--no-write', '--json'], { cwd: dir });
    expect(result.status).toBe(1);
    expect(result.json().notebooks.map((n: { failed: unknown; cellsRun: number }) => [n.cellsRun, n.failed])).toEqual([
      [2, { cell: 2, firstLine: 'const x: = 1;', ename: 'SyntaxError', evalue: 'Unexpected "=" (line 1, column 10)' }],
      [1, { cell: 1, firstLine: 'Promise.reject(new Error("nobody awaited me"));', ename: 'Error', evalue: 'nobody awaited me' }],
      [1, { cell: 1, firstLine: 'setTimeout(() => { throw new TypeError("in a timer"); }, 0);', ename: 'TypeError', evalue: 'in a timer' }],
      [2, { cell: 2, firstLine: 'process.exit(3)', ename: 'KernelExit', evalue: 'the kernel process stopped (exit code 3)' }],
      [1, { cell: 1, firstLine: "import { join, nope } from 'node:path';", ename: 'SyntaxError', evalue: "The requested module 'node:path' does not provide an export named 'nope'" }],
    ]);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Error: syntax.ipynb failed at cell 2 (`const x: = 1;`): SyntaxError: Unexpected "=" (line 1, column 10).',
      'Error: rejection.ipynb failed at cell 1 (`Promise.reject(new Error("nobody awaited me"));`): Error: nobody awaited me.',
      'Error: timer.ipynb failed at cell 1 (`setTimeout(() => { throw new TypeError("in a timer"); }, 0);`): TypeError: in a timer.',
      'Error: exit.ipynb failed at cell 2 (`process.exit(3)`): KernelExit: the kernel process stopped (exit code 3).',
      "Error: import.ipynb failed at cell 1 (`import { join, nope } from 'node:path';`): SyntaxError: The requested module 'node:path' does not provide an export named 'nope'.",
    ]);
  });
});

describe('rrr notebook run --db', () => {
  it('is the store the library opens by default in the notebook, resolved from where rrr runs', () => {
    const dir = tempDir('rrr-notebook-');
    mkdirSync(join(dir, 'sub'));
    notebook(join(dir, 'sub'), 'db.ipynb', ['process.env.RRR_DB']);
    const result = rrr(['notebook', 'run', 'sub/db.ipynb', '--db', 'stores/x.duckdb'], { cwd: dir });
    expect(result.status).toBe(0);
    const nb = JSON.parse(readFileSync(join(dir, 'sub', 'db.ipynb'), 'utf8'));
    expect(nb.cells[0].outputs[0].data['text/plain']).toEqual([`'${join(realpathSync(dir), 'stores', 'x.duckdb')}'`]);
  });
});
