import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';

/** A Jupyter notebook in nbformat 4 (https://nbformat.readthedocs.io/en/latest/format_description.html). */
export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

export type MultilineString = string | string[];

export interface Cell {
  id?: string;
  cell_type: 'code' | 'markdown' | 'raw';
  metadata: Record<string, unknown>;
  source: MultilineString;
  outputs?: Output[];
  execution_count?: number | null;
  attachments?: Record<string, unknown>;
}

export type Output =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: MultilineString }
  | { output_type: 'execute_result'; execution_count: number | null; data: Record<string, MultilineString>; metadata: Record<string, unknown> }
  | { output_type: 'display_data'; data: Record<string, MultilineString>; metadata: Record<string, unknown> }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

/** A cell's source as one string, whichever of the two forms nbformat allows the file uses. */
export function sourceText(cell: Pick<Cell, 'source'>): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/** Text as nbformat writers store it: one string per line, each keeping its newline. */
export function toLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Reads and checks a notebook; a missing file, bad JSON or anything but nbformat 4 is one sentence, exit 2. */
export function readNotebook(path: string): Notebook {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code ?? (error as Error).message})`;
    throw new UserError(`Notebook ${path} ${why}: give the path of a Jupyter notebook (.ipynb) in nbformat 4.`, { code: 'RRR_NOTEBOOK_MISSING' });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${path} is not JSON (${(error as Error).message}), so not a Jupyter notebook: give an .ipynb file in nbformat 4.`, { code: 'RRR_NOT_NOTEBOOK' });
  }
  const version = (json as { nbformat?: unknown } | null)?.nbformat;
  if (typeof json !== 'object' || json === null || Array.isArray(json) || version !== 4) {
    const found = version === undefined ? 'it has no nbformat field' : `it is nbformat ${JSON.stringify(version)}`;
    throw new UserError(`${path} is not a notebook in nbformat 4 (${found}): open and save it in a current Jupyter to convert it.`, { code: 'RRR_NOT_NBFORMAT4' });
  }
  const problems = notebookProblems(json);
  if (problems.length > 0) {
    throw new UserError(`${path} is not a valid nbformat 4 notebook: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : ''}.`, { code: 'RRR_NOT_NBFORMAT4' });
  }
  return json as Notebook;
}

/**
 * Writes the notebook as Jupyter does (keys sorted, one-space indent, a final newline), through a temporary
 * file renamed over the old one, so a failure never leaves half a notebook.
 */
export function writeNotebook(path: string, notebook: Notebook): void {
  const problems = notebookProblems(notebook);
  if (problems.length > 0) throw new Error(`internal: the notebook to write breaks nbformat 4: ${problems.join('; ')}`);
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(temporary, formatNotebook(notebook));
  renameSync(temporary, path);
}

export function formatNotebook(notebook: Notebook): string {
  return `${JSON.stringify(sortKeys(notebook), null, 1)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isMultiline = (v: unknown) => typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string'));
const isCount = (v: unknown) => v === null || (Number.isInteger(v) && (v as number) >= 0);

const CELL_KEYS: Record<string, readonly string[]> = {
  code: ['id', 'cell_type', 'metadata', 'source', 'outputs', 'execution_count'],
  markdown: ['id', 'cell_type', 'metadata', 'source', 'attachments'],
  raw: ['id', 'cell_type', 'metadata', 'source', 'attachments'],
};
const OUTPUT_KEYS: Record<string, readonly string[]> = {
  stream: ['output_type', 'name', 'text'],
  execute_result: ['output_type', 'execution_count', 'data', 'metadata'],
  display_data: ['output_type', 'data', 'metadata', 'transient'],
  error: ['output_type', 'ename', 'evalue', 'traceback'],
};

/**
 * The structural rules of the nbformat 4 JSON schema (v4.0 to v4.5): required and allowed keys of the
 * notebook, of each kind of cell and output, and their types; cell ids (required from 4.5) valid and unique.
 * Each problem is a phrase naming where it is.
 */
export function notebookProblems(nb: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(nb)) return ['the file is not a JSON object'];
  for (const key of Object.keys(nb)) if (!['nbformat', 'nbformat_minor', 'metadata', 'cells'].includes(key)) problems.push(`unknown top-level key "${key}"`);
  if (nb.nbformat !== 4) problems.push('nbformat is not 4');
  const minor = nb.nbformat_minor;
  if (!Number.isInteger(minor) || (minor as number) < 0) problems.push('nbformat_minor is not a whole number of 0 or more');
  if (!isObject(nb.metadata)) problems.push('metadata is not an object');
  if (!Array.isArray(nb.cells)) return [...problems, 'cells is not a list'];
  const ids = new Set<string>();
  nb.cells.forEach((cell, k) => {
    const at = `cell ${k + 1}`;
    if (!isObject(cell)) return problems.push(`${at} is not an object`);
    const type = cell.cell_type as string;
    const allowed = CELL_KEYS[type];
    if (!allowed) return problems.push(`${at} has cell_type ${JSON.stringify(type)} (code, markdown or raw)`);
    for (const key of Object.keys(cell)) if (!allowed.includes(key)) problems.push(`${at} (${type}) has the key "${key}", which nbformat 4 does not allow there`);
    if (!isObject(cell.metadata)) problems.push(`${at} has no metadata object`);
    if (!isMultiline(cell.source)) problems.push(`${at} has no source (a string or a list of strings)`);
    if (cell.id !== undefined || (minor as number) >= 5) {
      if (typeof cell.id !== 'string' || !/^[a-zA-Z0-9-_]{1,64}$/.test(cell.id)) problems.push(`${at} has no valid id (1 to 64 letters, digits, - or _; required from nbformat 4.5)`);
      else if (ids.has(cell.id)) problems.push(`${at} repeats the id "${cell.id}"`);
      else ids.add(cell.id);
    }
    if (cell.attachments !== undefined && !isObject(cell.attachments)) problems.push(`${at} has attachments that are not an object`);
    if (type !== 'code') return;
    if (!('execution_count' in cell) || !isCount(cell.execution_count)) problems.push(`${at} has no execution_count (a whole number or null)`);
    if (!Array.isArray(cell.outputs)) return problems.push(`${at} has no outputs list`);
    cell.outputs.forEach((output, j) => problems.push(...outputProblems(output, `${at} output ${j + 1}`)));
  });
  return problems;
}

function outputProblems(output: unknown, at: string): string[] {
  if (!isObject(output)) return [`${at} is not an object`];
  const type = output.output_type as string;
  const allowed = OUTPUT_KEYS[type];
  if (!allowed) return [`${at} has output_type ${JSON.stringify(type)} (stream, execute_result, display_data or error)`];
  const problems: string[] = [];
  for (const key of Object.keys(output)) if (!allowed.includes(key)) problems.push(`${at} (${type}) has the key "${key}", which nbformat 4 does not allow there`);
  if (type === 'stream') {
    if (output.name !== 'stdout' && output.name !== 'stderr') problems.push(`${at} is a stream named neither stdout nor stderr`);
    if (!isMultiline(output.text)) problems.push(`${at} has no text`);
  } else if (type === 'error') {
    if (typeof output.ename !== 'string' || typeof output.evalue !== 'string') problems.push(`${at} has no ename and evalue strings`);
    if (!Array.isArray(output.traceback) || !output.traceback.every((s) => typeof s === 'string')) problems.push(`${at} has no traceback list of strings`);
  } else {
    if (!isObject(output.data)) problems.push(`${at} has no data object`);
    else for (const [mime, value] of Object.entries(output.data)) {
      if (!/^[^/\s]+\/[^/\s]+$/.test(mime)) problems.push(`${at} has the data key "${mime}", which is not a MIME type`);
      else if (!/json$/.test(mime) && !isMultiline(value)) problems.push(`${at} has ${mime} data that is not text`);
    }
    if (!isObject(output.metadata)) problems.push(`${at} has no metadata object`);
    if (type === 'execute_result' && (!('execution_count' in output) || !isCount(output.execution_count))) problems.push(`${at} has no execution_count`);
  }
  return problems;
}
