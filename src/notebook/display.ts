import { inspect } from 'node:util';
import { formatCell, renderTable } from '../report/table.js';

/** A Jupyter MIME bundle: what a cell's value looks like as text (and as HTML when it is a table). */
export type MimeBundle = Record<string, string>;

/** Rows shown of a long DataFrame: the first ROWS_SHOWN, then how many more there are. */
export const ROWS_SHOWN = 20;

interface FrameLike {
  columns: string[];
  index: (string | number)[];
  values: unknown[][] | unknown[];
  shape: [number, number];
}

/**
 * danfojs DataFrames and Series, found by shape rather than by class, so the kernel never loads danfojs
 * (an optional dependency) itself: columns, index, values and shape are the members both have.
 */
function asFrame(value: unknown): (FrameLike & { series: boolean }) | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const name = value.constructor?.name;
  if (name !== 'DataFrame' && name !== 'Series') return undefined;
  const v = { columns: member(value, 'columns'), index: member(value, 'index'), values: member(value, 'values'), shape: member(value, 'shape') };
  if (!Array.isArray(v.columns) || !Array.isArray(v.index) || !Array.isArray(v.values) || !Array.isArray(v.shape)) return undefined;
  return { ...(v as FrameLike), series: name === 'Series' };
}

/**
 * danfojs's own getter for `name`: a frame also has a property per column, so a column called "values" or
 * "index" hides the getter of that name on the instance.
 */
function member(object: object, name: string): unknown {
  for (let proto = Object.getPrototypeOf(object); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const getter = Object.getOwnPropertyDescriptor(proto, name)?.get;
    if (getter) return getter.call(object);
  }
  return undefined;
}

/** The cell's value as Jupyter shows it: a table for a DataFrame, util.inspect for anything else. */
export function displayValue(value: unknown): MimeBundle {
  const frame = asFrame(value);
  if (!frame) return { 'text/plain': inspect(value, { depth: 4, colors: false, maxArrayLength: 50, breakLength: 100 }) };
  const rows = frame.series ? (frame.values as unknown[]).map((v) => [v]) : (frame.values as unknown[][]);
  const shown = rows.slice(0, ROWS_SHOWN).map((row, k) => [frame.index[k], ...row]);
  const headers = ['', ...frame.columns.map(String)];
  const more = rows.length - shown.length;
  const footer = `[${rows.length} rows x ${frame.columns.length} columns]`;
  const text = [renderTable(headers, shown), ...(more > 0 ? [`... ${more} more rows`] : []), footer].join('\n');
  return { 'text/plain': text, 'text/html': htmlTable(headers, shown, more, footer) };
}

function htmlTable(headers: readonly string[], rows: readonly (readonly unknown[])[], more: number, footer: string): string {
  const cell = (tag: string, v: unknown) => `<${tag}>${escapeHtml(formatCell(v))}</${tag}>`;
  const head = `<tr>${headers.map((h) => cell('th', h)).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${cell('th', r[0])}${r.slice(1).map((v) => cell('td', v)).join('')}</tr>`).join('\n');
  const note = more > 0 ? `<p>... ${more} more rows</p>\n` : '';
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>\n${note}<p>${escapeHtml(footer)}</p>`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
