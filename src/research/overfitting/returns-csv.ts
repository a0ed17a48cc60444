/**
 * Reads a T x N matrix of per-period returns from a CSV file: one column per configuration, one row per
 * period, an optional header line and an optional time column first. Numbers only, plain comma-separated
 * text (no quoting rules beyond stripping quotes around header names): sweeps made by any tool can be
 * audited without the store.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../../errors.js';

/** A returns matrix as columns. */
export interface ReturnsMatrix {
  /** Column names from the header, or c1..cN when there is none. */
  names: string[];
  /** One Float64Array of T returns per configuration. */
  columns: Float64Array[];
  rows: number;
  /** The first column's header when it held times (and was left out of `columns`). */
  timeColumn?: string;
}

const TIME_NAMES = new Set(['time', 'timestamp', 'date', 'datetime', 'period']);

/** A field that is a finite number, as written (empty fields are not). */
function parseNumber(field: string): number {
  const text = field.trim();
  return text === '' ? NaN : Number(text);
}

function fail(path: string, message: string): never {
  throw new UserError(`${path}: ${message}`, { exitCode: 1, code: 'RRR_BAD_RETURNS_FILE' });
}

/**
 * Parses CSV text. The first line is a header when any field after its first is not a number; the first column
 * is a time column when its header is time/timestamp/date/datetime/period or its first value is not a
 * number (an ISO date, say). Every other field must be a finite number and every row as long as the first.
 */
export function parseReturnsCsv(text: string, path = 'returns'): ReturnsMatrix {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) fail(path, 'the file is empty; give one column of returns per configuration, one row per period.');
  const firstFields = lines[0].split(',');
  // A header names the return columns; a headerless first line may still start with a time (not a number).
  const hasHeader = firstFields.some((f, i) => i > 0 && !Number.isFinite(parseNumber(f)));
  const header = hasHeader ? firstFields.map((f) => f.trim().replace(/^"(.*)"$/, '$1')) : undefined;
  const start = hasHeader ? 1 : 0;
  const rows = lines.length - start;
  if (rows === 0) fail(path, 'the file has a header but no rows of returns.');
  const width = firstFields.length;
  const firstData = lines[start].split(',');
  const timeColumn =
    (header !== undefined && TIME_NAMES.has(header[0].toLowerCase())) || !Number.isFinite(parseNumber(firstData[0]));
  const skip = timeColumn ? 1 : 0;
  const count = width - skip;
  if (count < 2) {
    fail(path, `it has ${count} column${count === 1 ? '' : 's'} of returns; PBO and the deflated Sharpe ratio compare at least 2 configurations.`);
  }
  const columns = Array.from({ length: count }, () => new Float64Array(rows));
  for (let r = 0; r < rows; r++) {
    const lineNo = start + r + 1;
    const fields = lines[start + r].split(',');
    if (fields.length !== width) fail(path, `line ${lineNo} has ${fields.length} fields where the first line has ${width}; every row needs one value per column.`);
    for (let c = 0; c < count; c++) {
      const field = fields[c + skip];
      const value = parseNumber(field);
      if (!Number.isFinite(value)) {
        const name = header ? `"${header[c + skip]}"` : `${c + skip + 1}`;
        fail(path, `line ${lineNo}, column ${name} holds "${field.trim()}", which is not a number; returns must be plain numbers such as 0.0012.`);
      }
      columns[c][r] = value;
    }
  }
  const names = header ? header.slice(skip) : columns.map((_, c) => `c${c + 1}`);
  return { names, columns, rows, ...(timeColumn ? { timeColumn: header?.[0] ?? 'column 1' } : {}) };
}

/** Reads and parses a returns CSV file; a missing or unreadable file is a UserError (exit 1). */
export function readReturnsCsv(path: string): ReturnsMatrix {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder, not a file' : code === 'EACCES' ? 'permission denied' : String((error as Error).message);
    throw new UserError(`Cannot read the returns file ${path}: ${why}.`, { exitCode: 1, code: 'RRR_BAD_RETURNS_FILE', cause: error });
  }
  return parseReturnsCsv(text, path);
}
