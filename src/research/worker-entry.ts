import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * Where a worker thread's module is, for piscina: built, `name`.js beside the module asking (`from`, its
 * import.meta.url); from sources (vitest, `npx tsx`), `name`.ts, and the thread loads TypeScript through tsx,
 * found from here so any working directory will do.
 */
export function workerEntry(from: string, name: string): { filename: string; execArgv?: string[] } {
  const fromSources = from.endsWith('.ts');
  const filename = new URL(`./${name}.${fromSources ? 'ts' : 'js'}`, from).href;
  if (!fromSources) return builtOnlyTsx(process.execArgv) ? { filename, execArgv: [] } : { filename };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { filename, execArgv: ['--import', tsx] };
}

const PRELOAD_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);

/** `tsx`, or a file inside a tsx package (what `npx tsx` passes: .../tsx/dist/loader.mjs). */
function isTsx(specifier: string): boolean {
  return specifier === 'tsx' || specifier.startsWith('tsx/') || /[\\/]tsx[\\/]/.test(specifier);
}

/**
 * True when the process was started only with tsx's preload flags (`npx tsx script.ts`, `node --import tsx`).
 * A worker inherits them by default, and tsx then recompiles the built modules as CommonJS, reading every
 * exported binding through a getter: a sweep's trials measured ~20% slower. Built code needs no tsx (a .ts
 * strategy registers it in the thread that loads it), so such a worker starts with no flags. Any other flag
 * keeps the default inheritance: Node refuses process-wide flags (--max-old-space-size...) given to a worker.
 */
export function builtOnlyTsx(execArgv: readonly string[]): boolean {
  if (execArgv.length === 0) return false;
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!PRELOAD_FLAGS.has(flag)) return false;
    const value = eq > 0 ? arg.slice(eq + 1) : execArgv[++i];
    if (value === undefined || !isTsx(value)) return false;
  }
  return true;
}
