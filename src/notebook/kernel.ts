import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { register } from 'tsx/esm/api';
import { AWAITED_SLOT, planCell, type CellPlan } from './cell-code.js';
import { displayValue } from './display.js';
import type { Output } from './nbformat.js';
import type { CellReport, KernelRequest } from './protocol.js';

/**
 * The process that runs one notebook's code cells, started by runNotebook with the notebook's folder as its
 * working directory (as a Jupyter kernel is). All cells run in this process's one global scope, so what a
 * cell declares or imports is there for every later cell. It stops at the first cell that fails.
 */

// Cells may import TypeScript files by relative path, as the notebook's own code is TypeScript.
register();

/** Frames inside the kernel's own modules say nothing about the notebook: tracebacks leave them out. */
const OWN_FOLDER = dirname(fileURLToPath(import.meta.url));

let outputs: Output[] = [];
let cellNumber = 0;
let notebookPath = '';
let pendingError: unknown;

function stream(name: 'stdout' | 'stderr', chunk: unknown): void {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
  const last = outputs.at(-1);
  // Consecutive writes to one stream are one output, as Jupyter shows them.
  if (last?.output_type === 'stream' && last.name === name) last.text = `${last.text as string}${text}`;
  else outputs.push({ output_type: 'stream', name, text });
}

// console.* and direct writes alike land in the running cell's outputs.
for (const name of ['stdout', 'stderr'] as const) {
  const target = process[name];
  target.write = ((chunk: unknown, encodingOrCallback?: unknown, callback?: unknown) => {
    stream(name, chunk);
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
    return true;
  }) as typeof target.write;
}

// A promise a cell left unawaited that rejects, or a throw from a timer, fails the cell that is running.
process.on('unhandledRejection', (reason) => { pendingError ??= reason; });
process.on('uncaughtException', (error) => { pendingError ??= error; });

function runScript(code: string): unknown {
  const script = new vm.Script(code, {
    filename: notebookPath,
    // import() in a cell resolves as it would in a file beside the notebook (packages, relative paths).
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  return script.runInThisContext({ displayErrors: false });
}

async function runPlan(plan: CellPlan): Promise<unknown> {
  let value: unknown;
  for (const step of plan.steps) {
    if (step.kind === 'await') {
      value = await (runScript(step.code) as Promise<unknown>);
      (globalThis as Record<string, unknown>)[AWAITED_SLOT] = value;
    } else {
      value = runScript(step.code);
      if (step.kind === 'bind') delete (globalThis as Record<string, unknown>)[AWAITED_SLOT];
    }
  }
  // Let timers and callbacks the cell started report their failures before the cell counts as done.
  await new Promise((resolve) => setImmediate(resolve));
  return plan.hasResult ? value : undefined;
}

/** An error as a Jupyter error output: frames in cell code name the cell, not the notebook's path. */
function errorOutput(error: unknown): Output & { output_type: 'error' } {
  const e = error instanceof Error ? error : undefined;
  const ename = e ? e.name || e.constructor.name : 'Error';
  const evalue = e ? e.message : `a value that is not an Error was thrown: ${String(error)}`;
  const frames = (e?.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .filter((line) => !/node:vm|node:internal/.test(line) && !line.includes(OWN_FOLDER))
    // Lines and columns are those of the transpiled statement, not of the cell's source: left out.
    .map((line) => line.split(notebookPath).join(`cell ${cellNumber}`).replace(new RegExp(`cell ${cellNumber}:\\d+:\\d+`, 'g'), `cell ${cellNumber}`));
  return { output_type: 'error', ename, evalue, traceback: [`${ename}: ${evalue}`, ...frames] };
}

async function runCell(source: string, executionCount: number): Promise<CellReport> {
  outputs = [];
  pendingError = undefined;
  let failed = false;
  try {
    const value = await runPlan(await planCell(source));
    if (pendingError !== undefined) throw pendingError;
    if (value !== undefined) {
      outputs.push({ output_type: 'execute_result', execution_count: executionCount, data: displayValue(value), metadata: {} });
    }
  } catch (error) {
    failed = true;
    outputs.push(errorOutput(error));
  }
  return { outputs, failed };
}

process.once('message', async (message: KernelRequest) => {
  notebookPath = message.path;
  for (const cell of message.cells) {
    cellNumber = cell.number;
    const report = await runCell(cell.source, cell.executionCount);
    process.send!({ type: 'cell', number: cell.number, ...report });
    if (report.failed) break;
  }
  // Handles a notebook left open (a store, a timer) must not keep the kernel alive.
  process.send!({ type: 'done' }, () => process.exit(0));
});
