import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError, suggestion } from '../errors.js';
import { defineStrategy, strategyProblem, type AnyStrategy } from './define.js';
import { registerLibraryAlias } from './library-alias.js';
import bollingerReversion from './builtin/bollinger-reversion.js';
import donchianBreakout from './builtin/donchian-breakout.js';
import emaCross from './builtin/ema-cross.js';
import macdCross from './builtin/macd-cross.js';
import momentum from './builtin/momentum.js';
import pairs from './builtin/pairs.js';
import rsiReversion from './builtin/rsi-reversion.js';
import smaCross from './builtin/sma-cross.js';

export const BUILTIN_STRATEGIES: readonly AnyStrategy[] = [smaCross, emaCross, macdCross, rsiReversion, bollingerReversion, donchianBreakout, momentum, pairs];

export function builtinStrategy(name: string): AnyStrategy | undefined {
  return BUILTIN_STRATEGIES.find((s) => s.name === name);
}

let typeScriptRegistered = false;

/** tsx's ESM and CommonJS hooks, so a .ts strategy and whatever .ts it imports load in either module system. */
async function registerTypeScript(): Promise<void> {
  if (typeScriptRegistered) return;
  const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
  esm.register();
  cjs.register();
  typeScriptRegistered = true;
}

const looksLikePath = (name: string) => /[\\/]/.test(name) || /\.(m?[jt]s|cjs)$/.test(name);

/**
 * A built-in by name, or a user strategy from a .ts/.js file exporting it (default export, or `strategy`).
 * TypeScript files are loaded through tsx, so no build step is needed. The file may live anywhere: its
 * imports of the library by package name resolve to the rrr that is running (library-alias.ts).
 */
export async function resolveStrategy(nameOrPath: string): Promise<AnyStrategy> {
  const builtin = builtinStrategy(nameOrPath);
  if (builtin) return builtin;
  if (!looksLikePath(nameOrPath)) {
    throw new UserError(`Unknown strategy "${nameOrPath}".${suggestion(nameOrPath, BUILTIN_STRATEGIES.map((s) => s.name), 'strategies')} A file path (./my-strategy.ts) loads your own.`, { code: 'RRR_UNKNOWN_STRATEGY' });
  }
  const path = resolve(nameOrPath);
  if (!existsSync(path)) throw new UserError(`Strategy file not found: ${path}. Give a built-in name or the path of a .ts or .js file.`, { exitCode: 1 });
  let module: Record<string, unknown>;
  try {
    registerLibraryAlias();
    if (/\.[mc]?ts$/.test(extname(path))) await registerTypeScript();
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new UserError(`Cannot load the strategy file ${path}: ${String((error as Error).message).split('\n')[0]}.`, { exitCode: 1, cause: error });
  }
  // ESM default or named `strategy`; a file loaded as CommonJS nests its exports under `default`.
  const nested = module.default as Record<string, unknown> | undefined;
  const candidate = [nested?.default, nested?.strategy, module.default, module.strategy].find(
    (c) => typeof c === 'object' && c !== null && ('name' in c || 'signals' in c || 'weights' in c),
  );
  if (candidate === undefined) {
    throw new UserError(`${path} does not export a strategy: add "export default defineStrategy({ name, params, warmup, signals })".`, { exitCode: 1, code: 'RRR_NOT_A_STRATEGY' });
  }
  const problem = strategyProblem(candidate);
  if (problem) throw new UserError(`${path} does not export a valid strategy: ${problem}`, { exitCode: 1, code: 'RRR_NOT_A_STRATEGY' });
  return defineStrategy(candidate as AnyStrategy);
}
