import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every module specifier a file imports or re-exports, static or dynamic. */
function specifiers(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

describe('src/risk is pure numerics', () => {
  it('finds imports with the pattern it checks (the check can fail)', () => {
    expect(specifiers(`import { a } from '../data/load.js';\nconst m = await import('node:fs');`)).toEqual(['../data/load.js', 'node:fs']);
  });

  it('imports only numerics (src/stats, src/portfolio), its own modules and the error type: no store, files, engine or CLI', () => {
    const dir = join(process.cwd(), 'src/risk');
    const allowed = /^(\.\/[\w-]+\.js|\.\.\/stats\/[\w-]+\.js|\.\.\/portfolio\/(covariance|linalg)\.js|\.\.\/errors\.js)$/;
    const offenders = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => specifiers(readFileSync(join(dir, f), 'utf8')).filter((s) => !allowed.test(s)).map((s) => `src/risk/${f} imports ${s}`));
    expect(offenders).toEqual([]);
  });
});
