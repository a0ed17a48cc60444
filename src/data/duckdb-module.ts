import { createRequire } from 'node:module';

type DuckDBModule = typeof import('@duckdb/node-api');

let loaded: DuckDBModule | undefined;

/**
 * @duckdb/node-api, loaded with require() rather than import(). It is CommonJS with deep `export *` chains:
 * importing it from ESM makes node lex every file of it for named exports, which took ~100 ms of each command's
 * start; require() skips that. Loaded on first use, so commands that never touch the store never pay for it.
 */
export function duckdb(): DuckDBModule {
  loaded ??= createRequire(import.meta.url)('@duckdb/node-api') as DuckDBModule;
  return loaded;
}
