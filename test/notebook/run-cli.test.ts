import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notebookProblems } from '../../src/notebook/nbformat.js';
import { fileSha, rrr, tempDir } from '../helpers/cli.js';

const FIXTURES = 'test/fixtures/notebooks';

/** A temp folder holding copies of the fixtures named, so no test rewrites the repository's files. */
function copies(...names: string[]): string {
  const dir = tempDir('rrr-notebook-');
  for (const name of names) copyFileSync(join(FIXTURES, name), join(dir, name));
  return dir;
}

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('rrr notebook run: one scope per notebook, outputs written as nbformat 4', () => {
  it('runs every code cell in order; declarations, imports and awaits carry over; outputs are captured', () => {
    const dir = copies('scope.ipynb', 'helper.mts');
    const before = read(join(dir, 'scope.ipynb'));
    const result = rrr(['notebook', 'run', 'scope.ipynb'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('scope.ipynb: 4 code cells ran, outputs written.\n');
    const nb = read(join(dir, 'scope.ipynb'));
    expect(notebookProblems(nb)).toEqual([]);
    const code = nb.cells.filter((c: { cell_type: string }) => c.cell_type === 'code');
    expect(code.map((c: { execution_count: number }) => c.execution_count)).toEqual([1, 2, 3, 4]);
    expect(code[0].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: ['base is 20\n'] }]);
    // Cell 3 (code cell 2) awaits, calls a function of its own built on cell 1's import, and ends in a value.
    expect(code[1].outputs).toEqual([
      { output_type: 'stream', name: 'stderr', text: ['to stderr\n'] },
      { output_type: 'execute_result', execution_count: 2, data: { 'text/plain': ['42'] }, metadata: {} },
    ]);
    expect(code[2].outputs).toEqual([{ output_type: 'execute_result', execution_count: 3, data: { 'text/plain': ["'a/21'"] }, metadata: {} }]);
    expect(code[3].outputs).toEqual([]);
    // Everything but the outputs and counts is as it was: sources, ids, the markdown cell, the metadata.
    const strip = (n: any) => ({ ...n, cells: n.cells.map(({ outputs: _o, execution_count: _e, ...rest }: any) => rest) });
    expect(strip(nb)).toEqual(strip(before));
    expect(nb.metadata.custom).toEqual({ kept: true });
    // Nothing else was written beside the notebook.
    expect(readdirSync(dir).sort()).toEqual(['helper.mts', 'scope.ipynb']);
  });

  it('exits 1 naming the failing cell and its error in one sentence; later cells are cleared', () => {
    const dir = copies('fails.ipynb');
    const result = rrr(['notebook', 'run', 'fails.ipynb'], { cwd: dir });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('Error: fails.ipynb failed at cell 2 (`const b = a + 1;`): RangeError: boom at 2.\n');
    expect(result.stdout).toBe('');
    const nb = read(join(dir, 'fails.ipynb'));
    expect(notebookProblems(nb)).toEqual([]);
    const [one, two, three] = nb.cells;
    expect([one.execution_count, two.execution_count, three.execution_count]).toEqual([1, 2, null]);
    expect(two.outputs).toHaveLength(1);
    expect(two.outputs[0]).toMatchObject({ output_type: 'error', ename: 'RangeError', evalue: 'boom at 2' });
    expect(two.outputs[0].traceback[0]).toBe('RangeError: boom at 2');
    expect(two.outputs[0].traceback.slice(1)).toEqual(['    at cell 2']);
    // The stale output of the cell that did not run is gone: it would describe code that never ran now.
    expect(three.outputs).toEqual([]);
  });

  it('--no-write checks only and leaves the file byte for byte; --json reports per notebook', () => {
    const dir = copies('scope.ipynb', 'helper.mts', 'fails.ipynb');
    const sha = { scope: fileSha(join(dir, 'scope.ipynb')), fails: fileSha(join(dir, 'fails.ipynb')) };
    const result = rrr(['notebook', 'run', 'scope.ipynb', 'fails.ipynb', '--no-write', '--json'], { cwd: dir });
    expect(result.status).toBe(1);
    const json = result.json();
    expect(json.notebooks.map(({ seconds, ...rest }: { seconds: number }) => (expect(seconds).toBeGreaterThan(0), rest))).toEqual([
      { path: 'scope.ipynb', cellsRun: 4, codeCells: 4, failed: null, written: false },
      { path: 'fails.ipynb', cellsRun: 2, codeCells: 3, failed: { cell: 2, firstLine: 'const b = a + 1;', ename: 'RangeError', evalue: 'boom at 2' }, written: false },
    ]);
    expect(fileSha(join(dir, 'scope.ipynb'))).toBe(sha.scope);
    expect(fileSha(join(dir, 'fails.ipynb'))).toBe(sha.fails);
  });

  it('refuses a file that is not nbformat 4, not JSON or missing, with exit 2, before running any', () => {
    const dir = copies('scope.ipynb', 'helper.mts', 'nbformat3.ipynb');
    const sha = fileSha(join(dir, 'scope.ipynb'));
    const old = rrr(['notebook', 'run', 'scope.ipynb', 'nbformat3.ipynb'], { cwd: dir });
    expect(old.status).toBe(2);
    expect(old.stderr).toBe('Error: nbformat3.ipynb is not a notebook in nbformat 4 (it is nbformat 3): open and save it in a current Jupyter to convert it.\n');
    // The valid notebook before it did not run: nothing was written.
    expect(fileSha(join(dir, 'scope.ipynb'))).toBe(sha);
    writeFileSync(join(dir, 'text.ipynb'), 'not json');
    const text = rrr(['notebook', 'run', 'text.ipynb'], { cwd: dir });
    expect(text.status).toBe(2);
    expect(text.stderr).toMatch(/^Error: text\.ipynb is not JSON \(.+\), so not a Jupyter notebook: give an \.ipynb file in nbformat 4\.\n$/);
    const missing = rrr(['notebook', 'run', 'nope.ipynb'], { cwd: dir });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('Error: Notebook nope.ipynb does not exist: give the path of a Jupyter notebook (.ipynb) in nbformat 4.\n');
    const twice = rrr(['notebook', 'run', 'scope.ipynb', 'scope.ipynb'], { cwd: dir });
    expect(twice.status).toBe(2);
    expect(twice.stderr).toBe('Error: Notebook scope.ipynb is given twice: give each notebook once.\n');
    const none = rrr(['notebook', 'run'], { cwd: dir });
    expect([none.status, none.stderr]).toEqual([2, 'Error: rrr notebook run needs one or more notebook files, e.g. "rrr notebook run notebooks/*.ipynb".\n']);
    const wait = rrr(['notebook', 'run', 'scope.ipynb', '--wait', '5'], { cwd: dir });
    expect([wait.status, wait.stderr]).toEqual([2, 'Error: --wait does not apply to rrr notebook run: a notebook opens its stores itself, so remove --wait.\n']);
    expect(fileSha(join(dir, 'scope.ipynb'))).toBe(sha);
  });
});
