import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { notebookProblems } from '../../src/notebook/nbformat.js';
import { rrr, tempDir } from '../helpers/cli.js';

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/**
 * Runs a committed notebook from a copy in a temp project that has rrr-backtest installed (a link to this
 * checkout, whose dist/ the global setup built), as a user's project would: the repository's file is never
 * rewritten. The outputs must equal the committed ones (the notebooks are seeded and print no clock times
 * or paths), the file must stay valid nbformat 4, and nothing may be written beside it.
 */
export function checkCommittedNotebook(name: string): void {
  const project = tempDir('rrr-notebooks-');
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(resolve('.'), join(project, 'node_modules', 'rrr-backtest'), 'dir');
  mkdirSync(join(project, 'notebooks'));
  const copy = join(project, 'notebooks', name);
  copyFileSync(join('notebooks', name), copy);
  const committed = read(join('notebooks', name));

  const result = rrr(['notebook', 'run', `notebooks/${name}`], { cwd: project });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const ran = read(copy);
  expect(notebookProblems(ran)).toEqual([]);
  expect(ran.cells.length).toBe(committed.cells.length);
  for (const [k, cell] of ran.cells.entries()) {
    expect(cell, `cell ${k + 1} of ${name}`).toEqual(committed.cells[k]);
    if (cell.cell_type === 'code') expect(cell.outputs.some((o: { output_type: string }) => o.output_type === 'error'), `cell ${k + 1} of ${name}`).toBe(false);
  }
  expect(ran.metadata).toEqual(committed.metadata);
  expect(readdirSync(project).sort()).toEqual(['node_modules', 'notebooks']);
  expect(readdirSync(join(project, 'notebooks'))).toEqual([name]);
}
