import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { formatNotebook, notebookProblems, readNotebook, toLines, writeNotebook, type Notebook } from '../../src/notebook/nbformat.js';
import { tempDir } from '../helpers/cli.js';

const valid = (): Notebook => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: 'deno', display_name: 'Deno', language: 'typescript' } },
  cells: [
    { id: 'a', cell_type: 'markdown', metadata: {}, source: '# title' },
    {
      id: 'b',
      cell_type: 'code',
      metadata: {},
      source: ['1 +\n', '1'],
      execution_count: 1,
      outputs: [
        { output_type: 'stream', name: 'stdout', text: ['hi\n'] },
        { output_type: 'execute_result', execution_count: 1, data: { 'text/plain': ['2'] }, metadata: {} },
        { output_type: 'error', ename: 'Error', evalue: 'x', traceback: ['Error: x'] },
      ],
    },
    { id: 'c', cell_type: 'raw', metadata: {}, source: '' },
  ],
});

describe('notebookProblems: the structural rules of the nbformat 4 schema', () => {
  it('accepts a valid notebook, and every committed notebook and fixture', () => {
    expect(notebookProblems(valid())).toEqual([]);
    for (const file of readdirSync('notebooks').filter((f) => f.endsWith('.ipynb'))) {
      expect(notebookProblems(JSON.parse(readFileSync(join('notebooks', file), 'utf8'))), file).toEqual([]);
    }
    for (const file of ['scope.ipynb', 'fails.ipynb']) {
      expect(notebookProblems(JSON.parse(readFileSync(join('test/fixtures/notebooks', file), 'utf8'))), file).toEqual([]);
    }
  });

  it.each([
    ['a code cell without outputs', (nb: any) => delete nb.cells[1].outputs, 'cell 2 has no outputs list'],
    ['a code cell without execution_count', (nb: any) => delete nb.cells[1].execution_count, 'cell 2 has no execution_count (a whole number or null)'],
    ['a negative execution_count', (nb: any) => (nb.cells[1].execution_count = -1), 'cell 2 has no execution_count (a whole number or null)'],
    ['outputs on a markdown cell', (nb: any) => (nb.cells[0].outputs = []), 'cell 1 (markdown) has the key "outputs", which nbformat 4 does not allow there'],
    ['a cell without metadata', (nb: any) => delete nb.cells[2].metadata, 'cell 3 has no metadata object'],
    ['a source that is a number', (nb: any) => (nb.cells[0].source = 3), 'cell 1 has no source (a string or a list of strings)'],
    ['an unknown cell_type', (nb: any) => (nb.cells[0].cell_type = 'heading'), 'cell 1 has cell_type "heading" (code, markdown or raw)'],
    ['a missing id in 4.5', (nb: any) => delete nb.cells[0].id, 'cell 1 has no valid id (1 to 64 letters, digits, - or _; required from nbformat 4.5)'],
    ['a repeated id', (nb: any) => (nb.cells[2].id = 'a'), 'cell 3 repeats the id "a"'],
    ['a stream named stdin', (nb: any) => (nb.cells[1].outputs[0].name = 'stdin'), 'cell 2 output 1 is a stream named neither stdout nor stderr'],
    ['a result without execution_count', (nb: any) => delete nb.cells[1].outputs[1].execution_count, 'cell 2 output 2 has no execution_count'],
    ['a result with a bad MIME key', (nb: any) => (nb.cells[1].outputs[1].data = { plain: 'x' }), 'cell 2 output 2 has the data key "plain", which is not a MIME type'],
    ['an error without traceback', (nb: any) => delete nb.cells[1].outputs[2].traceback, 'cell 2 output 3 has no traceback list of strings'],
    ['an unknown output_type', (nb: any) => (nb.cells[1].outputs[0].output_type = 'pyout'), 'cell 2 output 1 has output_type "pyout" (stream, execute_result, display_data or error)'],
    ['an unknown top-level key', (nb: any) => (nb.worksheets = []), 'unknown top-level key "worksheets"'],
    ['no metadata', (nb: any) => delete nb.metadata, 'metadata is not an object'],
  ])('refuses %s', (_, breakIt, problem) => {
    const nb = valid();
    breakIt(nb);
    expect(notebookProblems(nb)).toEqual([problem]);
  });

  it('does not require ids before nbformat 4.5', () => {
    const nb: any = valid();
    nb.nbformat_minor = 4;
    for (const cell of nb.cells) delete cell.id;
    expect(notebookProblems(nb)).toEqual([]);
  });
});

describe('readNotebook refusals: one sentence, exit code 2', () => {
  const dir = tempDir('rrr-nbformat-');
  const refusal = (path: string) => {
    try {
      readNotebook(path);
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).exitCode).toBe(2);
      return (error as Error).message;
    }
    throw new Error('not refused');
  };

  it('names a missing file, a folder, bad JSON and another nbformat', () => {
    expect(refusal(join(dir, 'nope.ipynb'))).toBe(`Notebook ${join(dir, 'nope.ipynb')} does not exist: give the path of a Jupyter notebook (.ipynb) in nbformat 4.`);
    mkdirSync(join(dir, 'folder.ipynb'));
    expect(refusal(join(dir, 'folder.ipynb'))).toMatch(/folder\.ipynb is a folder: give the path of a Jupyter notebook/);
    writeFileSync(join(dir, 'bad.ipynb'), '{"cells": [');
    expect(refusal(join(dir, 'bad.ipynb'))).toMatch(/bad\.ipynb is not JSON \(.+\), so not a Jupyter notebook: give an \.ipynb file in nbformat 4\.$/);
    expect(refusal('test/fixtures/notebooks/nbformat3.ipynb')).toBe('test/fixtures/notebooks/nbformat3.ipynb is not a notebook in nbformat 4 (it is nbformat 3): open and save it in a current Jupyter to convert it.');
    writeFileSync(join(dir, 'list.ipynb'), '[]');
    expect(refusal(join(dir, 'list.ipynb'))).toMatch(/list\.ipynb is not a notebook in nbformat 4 \(it has no nbformat field\)/);
    const broken: any = valid();
    delete broken.cells[1].outputs;
    delete broken.cells[2].metadata;
    writeFileSync(join(dir, 'broken.ipynb'), JSON.stringify(broken));
    expect(refusal(join(dir, 'broken.ipynb'))).toBe(`${join(dir, 'broken.ipynb')} is not a valid nbformat 4 notebook: cell 2 has no outputs list (and 1 more problems).`);
  });
});

describe('writeNotebook', () => {
  it('writes as Jupyter does (sorted keys, one-space indent, final newline) and reads back equal', () => {
    const dir = tempDir('rrr-nbformat-');
    const path = join(dir, 'x.ipynb');
    writeNotebook(path, valid());
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(formatNotebook(valid()));
    expect(text.startsWith('{\n "cells": [\n  {\n   "cell_type": "markdown",\n   "id": "a",\n   "metadata": {},\n   "source": "# title"\n  },')).toBe(true);
    expect(text.endsWith('\n "nbformat": 4,\n "nbformat_minor": 5\n}\n')).toBe(true);
    expect(readNotebook(path)).toEqual(valid());
    // Nothing else is left in the folder (the temporary file was renamed over the notebook).
    expect(readdirSync(dir)).toEqual(['x.ipynb']);
  });

  it('refuses to write a notebook that breaks the rules', () => {
    const nb: any = valid();
    nb.cells[1].outputs = undefined;
    expect(() => writeNotebook(join(tempDir(), 'y.ipynb'), nb)).toThrow(/breaks nbformat 4: cell 2 has no outputs list/);
  });

  it('toLines keeps each newline with its line', () => {
    expect(toLines('a\nb\n\nc')).toEqual(['a\n', 'b\n', '\n', 'c']);
    expect(toLines('a\n')).toEqual(['a\n']);
    expect(toLines('')).toEqual([]);
  });
});
