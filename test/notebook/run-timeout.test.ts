import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rrr, tempDir } from '../helpers/cli.js';

describe('rrr notebook run --timeout', () => {
  it('fails a cell that never finishes, naming it, and stops its kernel', () => {
    const dir = tempDir('rrr-notebook-');
    const cells = ['1', 'await new Promise(() => setInterval(() => {}, 1000))', '2'].map((source, k) => ({ id: `c${k}`, cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null }));
    writeFileSync(join(dir, 'hangs.ipynb'), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));
    // Generous: the first cell's time includes starting the kernel on a busy machine.
    const result = rrr(['notebook', 'run', 'hangs.ipynb', '--timeout', '15'], { cwd: dir });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('Error: hangs.ipynb failed at cell 2 (`await new Promise(() => setInterval(() => {}, 1000))`): CellTimeout: the cell did not finish within 15 seconds (--timeout), so the kernel was stopped.\n');
    const nb = JSON.parse(readFileSync(join(dir, 'hangs.ipynb'), 'utf8'));
    expect(nb.cells.map((c: { execution_count: number | null }) => c.execution_count)).toEqual([1, 2, null]);
    expect(nb.cells[1].outputs[0]).toMatchObject({ output_type: 'error', ename: 'CellTimeout' });
  });

  it('names a cell that awaits a promise nothing can settle (the kernel ends by itself)', () => {
    const dir = tempDir('rrr-notebook-');
    const cells = [{ id: 'c0', cell_type: 'code', metadata: {}, source: 'await new Promise(() => {})', outputs: [], execution_count: null }];
    writeFileSync(join(dir, 'stuck.ipynb'), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));
    const result = rrr(['notebook', 'run', 'stuck.ipynb'], { cwd: dir });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('Error: stuck.ipynb failed at cell 1 (`await new Promise(() => {})`): KernelExit: the kernel ended (exit code 0) before the cell finished: the cell called process.exit, or awaited a promise that nothing was left to settle.\n');
  });

  it.each(['0', '-1', 'soon', ''])('refuses --timeout "%s" with one sentence', (value) => {
    const result = rrr(['notebook', 'run', 'any.ipynb', '--timeout', value], { cwd: tempDir() });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`Error: --timeout "${value}" is not valid: give the seconds a cell may run, a number above 0, e.g. 600.\n`);
  });
});
