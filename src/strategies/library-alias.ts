import Module, { register } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The names a strategy file imports the library by: the npm package, and `rrr`, its name before it was
 * published (the npm name `rrr` belongs to an unrelated package, so nothing real is shadowed).
 */
export const LIBRARY_NAMES: readonly string[] = ['rrr-backtest', 'rrr'];

// .js when running from dist/, .ts when running from the sources (bin/dev.js, vitest).
const libraryEntry = new URL(`../index${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

// Node's ESM resolve hook, run in the loader thread. Inline JavaScript rather than a module file: that
// thread would need a TypeScript loader to read a .ts file when rrr runs from its sources.
const RESOLVE_HOOK = `
let names = new Set();
let target = '';
export function initialize(data) { names = new Set(data.names); target = data.url; }
export async function resolve(specifier, context, nextResolve) {
  return names.has(specifier) ? { url: target, shortCircuit: true } : nextResolve(specifier, context);
}`;

let registered = false;

/**
 * Makes `import ... from 'rrr-backtest'` and `require('rrr-backtest')` in a strategy file load this
 * running installation, so a strategy in any folder (no package.json, no node_modules) runs with a globally
 * installed rrr, on the same module instances the engine uses. Process-wide: a program that loads a
 * strategy file through the library gets the alias too.
 */
export function registerLibraryAlias(): void {
  if (registered) return;
  register(`data:text/javascript,${encodeURIComponent(RESOLVE_HOOK)}`, { data: { names: LIBRARY_NAMES, url: libraryEntry.href } });
  // CommonJS resolution (require() in a .cjs/.js file, or a .ts file tsx compiles as CommonJS) does not
  // pass through the hook above on Node 20.
  const cjs = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = cjs._resolveFilename;
  const entryPath = fileURLToPath(libraryEntry);
  const aliased = new Set(LIBRARY_NAMES);
  cjs._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
    return aliased.has(request) ? entryPath : original.call(this, request, ...rest);
  };
  registered = true;
}
