import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Every module specifier a file imports or re-exports, static or dynamic. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)) out.push(m[1]);
  return out;
}

describe('one direction between engine and strategies', () => {
  it('finds imports with the same pattern it checks (the check can fail)', () => {
    expect(specifiers(`import { x } from '../strategies/define.js';\nconst m = await import("../strategies/registry.js");\nexport * from '../strategies/a.js';`)).toEqual([
      '../strategies/define.js',
      '../strategies/registry.js',
      '../strategies/a.js',
    ]);
  });

  it('nothing under src/engine imports src/strategies (what runs a strategy sits above both)', () => {
    const engine = join(process.cwd(), 'src/engine');
    const offenders = sources(engine).flatMap((file) =>
      specifiers(readFileSync(file, 'utf8'))
        .filter((s) => /(^|\/)strategies(\/|$)/.test(s))
        .map((s) => `${relative(process.cwd(), file)} imports ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it('runBacktest is composed in src/strategies and still exported by the library', async () => {
    const lib = await import('../../src/index.js');
    const { runBacktest } = await import('../../src/strategies/backtest.js');
    expect(lib.runBacktest).toBe(runBacktest);
  });
});
