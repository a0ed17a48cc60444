import { fork } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workerEntry } from '../research/worker-entry.js';
import { readNotebook, sourceText, toLines, writeNotebook, type Notebook, type Output } from './nbformat.js';
import type { KernelMessage, KernelRequest } from './protocol.js';

export interface NotebookFailure {
  /** 1-based position of the failing cell among all the notebook's cells, as one counts them on screen. */
  cell: number;
  firstLine: string;
  ename: string;
  evalue: string;
}

export interface NotebookRunResult {
  path: string;
  /** Code cells that ran (the failing one included). */
  cellsRun: number;
  codeCells: number;
  seconds: number;
  failed: NotebookFailure | null;
  written: boolean;
}

export interface NotebookRunOptions {
  /** Write the outputs back into the file (default true); false only checks that every cell runs. */
  write?: boolean;
  /** After each code cell: how many have run, of how many. */
  onCell?: (done: number, total: number) => void;
  /**
   * A cell still running after this many milliseconds fails and the kernel is stopped (the first cell's time
   * includes starting the kernel). Default: no limit.
   */
  cellTimeoutMs?: number;
}

/**
 * Runs every code cell of the notebook at `path` in order, in one fresh kernel process whose working
 * directory is the notebook's folder, stopping at the first failure. Outputs replace the old ones; cells
 * after a failure are cleared (they did not run). The file is rewritten unless `write` is false.
 */
export async function runNotebook(path: string, options: NotebookRunOptions = {}): Promise<NotebookRunResult> {
  const notebook = readNotebook(path);
  const started = performance.now();
  const codeCells = notebook.cells.map((cell, k) => ({ cell, number: k + 1 })).filter(({ cell }) => cell.cell_type === 'code');
  const request: KernelRequest = {
    path: resolve(path),
    cells: codeCells.map(({ cell, number }, k) => ({ number, source: sourceText(cell), executionCount: k + 1 })),
  };
  for (const { cell } of codeCells) {
    cell.outputs = [];
    cell.execution_count = null;
  }

  let cellsRun = 0;
  let failed: NotebookFailure | null = null;
  await runKernel(request, options.cellTimeoutMs, (message) => {
    const cell = notebook.cells[message.number - 1];
    cellsRun++;
    cell.execution_count = cellsRun;
    cell.outputs = message.outputs.map(storedOutput);
    options.onCell?.(cellsRun, codeCells.length);
    const error = message.outputs.find((o) => o.output_type === 'error');
    if (message.failed && error?.output_type === 'error') failed = { cell: message.number, firstLine: firstLine(sourceText(cell)), ename: error.ename, evalue: error.evalue };
  }).catch((error: Error) => {
    // The kernel died mid-cell (process.exit in a cell, out of memory) or was stopped at the time limit.
    const number = codeCells[cellsRun]?.number ?? codeCells.at(-1)?.number ?? 1;
    failed = { cell: number, firstLine: firstLine(sourceText(notebook.cells[number - 1])), ename: error.name, evalue: error.message };
    const cell = notebook.cells[number - 1];
    cellsRun++;
    if (cell.cell_type === 'code') {
      cell.execution_count = cellsRun;
      cell.outputs = [{ output_type: 'error', ename: error.name, evalue: error.message, traceback: [`${error.name}: ${error.message}`] }];
    }
  });

  const write = options.write ?? true;
  if (write) writeNotebook(path, notebook as Notebook);
  return { path, cellsRun, codeCells: codeCells.length, seconds: (performance.now() - started) / 1000, failed, written: write };
}

/** An error named for how the kernel stopped: KernelExit or CellTimeout. */
function kernelError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function runKernel(request: KernelRequest, timeoutMs: number | undefined, onCell: (message: KernelMessage & { type: 'cell' }) => void): Promise<void> {
  const entry = workerEntry(import.meta.url, 'kernel');
  const child = fork(fileURLToPath(entry.filename), [], {
    cwd: dirname(request.path),
    // vm's main-context loader (import() in a cell) is marked experimental on Node 20 and says so on stderr.
    execArgv: [...(entry.execArgv ?? []), '--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  return new Promise((done, fail) => {
    let finished = false;
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      if (timeoutMs !== undefined) timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    };
    arm();
    child.on('message', (message: KernelMessage) => {
      if (message.type === 'cell') {
        onCell(message);
        arm();
      } else {
        finished = true;
        clearTimeout(timer);
      }
    });
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (finished) return done();
      if (timedOut) return fail(kernelError('CellTimeout', `the cell did not finish within ${timeoutMs! / 1000} seconds (--timeout), so the kernel was stopped`));
      // With nothing left to run, a cell awaiting a promise that nothing can settle ends the process quietly.
      if (code === 0) return fail(kernelError('KernelExit', 'the kernel ended (exit code 0) before the cell finished: the cell called process.exit, or awaited a promise that nothing was left to settle'));
      const last = stderr.trim().split('\n').at(-1);
      fail(kernelError('KernelExit', `the kernel process stopped (${signal ?? `exit code ${code}`})${last ? `: ${last}` : ''}`));
    });
    child.send(request);
  });
}

/** As nbformat writers store text: a list of lines. */
function storedOutput(output: Output): Output {
  if (output.output_type === 'stream') return { ...output, text: toLines(output.text as string) };
  if (output.output_type === 'execute_result' || output.output_type === 'display_data') {
    return { ...output, data: Object.fromEntries(Object.entries(output.data).map(([mime, v]) => [mime, toLines(v as string)])) };
  }
  return output;
}

function firstLine(source: string): string {
  return source.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
}

/** "notebooks/x.ipynb failed at cell 2 (`const a = f()`): TypeError: f is not a function." */
export function failureSentence(result: NotebookRunResult): string {
  const f = result.failed!;
  const shown = f.firstLine.length > 60 ? `${f.firstLine.slice(0, 57)}...` : f.firstLine;
  const message = f.evalue.split('\n')[0].replace(/[.\s]+$/, '');
  return `${result.path} failed at cell ${f.cell} (\`${shown}\`): ${f.ename}: ${message}.`;
}
