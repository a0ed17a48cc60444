import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { installedRrr, packAndInstallGlobally, userEnv, type GlobalInstall } from '../support/global-install.js';

const repoRoot = process.cwd();

// sma-cross (src/strategies/builtin/sma-cross.ts) as a user writes it in each module system.
const CONFIG = `{
  name: 'my-cross',
  params: { fast: int(10, { min: 2, max: 200 }), slow: int(50, { min: 5, max: 500 }) },
  validate: (p) => p.fast < p.slow || 'fast must be below slow',
  warmup: (p) => p.slow,
  signals: (bars, p) => crossSignals(sma(bars.close, p.fast), sma(bars.close, p.slow)),
}`;
const esm = (from: string) => `import { crossSignals, defineStrategy, int, sma } from '${from}';\n\nexport default defineStrategy(${CONFIG});\n`;
const cjs = (from: string) => `const { crossSignals, defineStrategy, int, sma } = require('${from}');\n\nmodule.exports = defineStrategy(${CONFIG});\n`;

const VARIANTS: [label: string, file: string, source: string | 'README example'][] = [
  ['the README example (TypeScript, import)', 'my-strategy.ts', 'README example'],
  ['TypeScript written as CommonJS (require)', 'cjs-strategy.ts', cjs('rrr-backtest')],
  ['JavaScript ESM (.mjs)', 'esm-strategy.mjs', esm('rrr-backtest')],
  ['JavaScript ESM (.js with export, no package.json)', 'esm-strategy.js', esm('rrr-backtest')],
  ['JavaScript CommonJS (.js with require)', 'cjs-strategy.js', cjs('rrr-backtest')],
  ['TypeScript importing the old name rrr', 'old-name.ts', esm('rrr')],
];

describe('rrr installed globally from a packed tarball', () => {
  let install: GlobalInstall;
  let work: string;
  let elsewhere: string;
  let data: string;
  let reference: { metrics: Record<string, unknown>; trades: unknown[] };

  const backtest = (strategy: string, db: string) =>
    installedRrr(install, ['backtest', '--strategy', strategy, '--data', data, '--db', join(elsewhere, db), '--json'], elsewhere);

  beforeAll(() => {
    work = tempDir('rrr-install-');
    install = packAndInstallGlobally(repoRoot, work);
    // A folder outside any project: no package.json in it or above it, no node_modules.
    elsewhere = tempDir('rrr-elsewhere-');
    for (let dir = elsewhere; dir !== dirname(dir); dir = dirname(dir)) {
      if (existsSync(join(dir, 'package.json')) || existsSync(join(dir, 'node_modules'))) throw new Error(`${dir} has a package.json or node_modules: pick a temp dir outside any project.`);
    }
    data = join(install.packageDir, 'datasets', 'demo-a_1d.csv');
    const builtin = backtest('sma-cross', 'reference.duckdb');
    if (builtin.status !== 0) throw new Error(`the installed rrr failed on the built-in sma-cross: ${builtin.stderr}`);
    reference = builtin.json();
  }, 600_000);

  // The install is ~100 MB: do not leave one behind per run.
  afterAll(() => {
    for (const dir of [work, elsewhere]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ships the built library, the executable, the manifest, the demo data and the README, not the sources', () => {
    for (const file of ['bin/run.js', 'dist/index.js', 'oclif.manifest.json', 'datasets/demo-a_1d.csv', 'README.md', 'package.json']) {
      expect(install.packed, file).toContain(file);
    }
    expect(install.packed.filter((f) => /^(src|test|bench|scripts|examples)\/|^bin\/dev\.js$|\.map$/.test(f))).toEqual([]);
  });

  it('installs without the optional engines and without an install-script notice', () => {
    const modules = join(install.packageDir, 'node_modules');
    expect(existsSync(join(modules, '@duckdb', 'node-api'))).toBe(true);
    for (const heavy of ['onnxruntime-node', 'danfojs-node', '@tensorflow']) expect(existsSync(join(modules, heavy)), heavy).toBe(false);
    expect(install.installErr).not.toMatch(/install-scripts|Unknown (project|user) config|ERESOLVE/);
  });

  it('names the install command when an optional engine is absent', () => {
    const optional = join(install.packageDir, 'dist', 'optional.js');
    const script = `import(${JSON.stringify(optional)}).then((m) => m.importOptional('onnxruntime-node', 'model inference')).then(() => console.log('loaded'), (e) => console.log(e.name, e.exitCode, e.message))`;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: elsewhere, env: userEnv(), encoding: 'utf8' });
    const declared = (JSON.parse(readFileSync(join(install.packageDir, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> }).peerDependencies['onnxruntime-node'];
    expect(run.stdout.trim()).toBe(
      `UserError 1 Model inference needs onnxruntime-node, an optional engine that is not installed: run "npm install -g onnxruntime-node@${declared}" when rrr is installed globally, or "npm install onnxruntime-node@${declared}" in your project.`,
    );
  });

  it.each(VARIANTS)('runs %s from a folder outside any project, with the results of the built-in it copies', (_label, file, source) => {
    const path = join(elsewhere, file);
    if (source === 'README example') copyFileSync(resolve(repoRoot, 'examples', 'my-strategy.ts'), path);
    else writeFileSync(path, source);
    const mine = backtest(path, `${file}.duckdb`);
    expect(mine.stderr).toBe('');
    expect(mine.status).toBe(0);
    const result = mine.json();
    expect(result.strategy).toBe('my-cross');
    expect(result.metrics).toEqual(reference.metrics);
    expect(result.trades).toEqual(reference.trades);
    expect(reference.trades.length).toBeGreaterThan(5);
  });

  it('suggests the command meant by a typo, in one sentence, without prompting', () => {
    const typo = installedRrr(install, ['backtst', '--strategy', 'sma-cross'], elsewhere);
    expect(typo.status).toBe(2);
    expect(typo.stdout).toBe('');
    expect(typo.stderr).toBe('Error: "backtst" is not an rrr command. Did you mean "backtest"? Run "rrr help" for the list of commands.\n');
    const topic = installedRrr(install, ['data', 'improt'], elsewhere);
    expect(topic.status).toBe(2);
    expect(topic.stderr).toMatch(/^Error: "data improt" is not an rrr command\. Did you mean "data import"\?/);
    const help = installedRrr(install, ['help', 'backtst'], elsewhere);
    expect(help.status).toBe(2);
    expect(help.stderr).toMatch(/^Error: "backtst" is not an rrr command\. Did you mean "help backtest"\?/);
    const json = installedRrr(install, ['backtst', '--json'], elsewhere);
    expect(json.status).toBe(2);
    expect(json.json()).toEqual({ error: { code: 'RRR_UNKNOWN_COMMAND', message: expect.stringContaining('Did you mean "backtest"?') } });
    const far = installedRrr(install, ['xyzzy'], elsewhere);
    expect(far.status).toBe(2);
    expect(far.stderr).toBe('Error: "xyzzy" is not an rrr command. Run "rrr help" for the list of commands.\n');
  });

  it('completes commands, topics and flags in bash', () => {
    const help = installedRrr(install, ['autocomplete', '--help'], elsewhere);
    expect(help.stderr).toBe('');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/\$ rrr autocomplete \[SHELL\]/);
    // The completion cache goes to $XDG_CACHE_HOME/rrr: a temp dir here, not the real home.
    const cache = join(work, 'cache');
    const setup = installedRrr(install, ['autocomplete', 'bash'], elsewhere, { XDG_CACHE_HOME: cache });
    expect(setup.status).toBe(0);
    expect(setup.stdout).toContain('rrr autocomplete script bash');
    const complete = (line: string) => {
      const script = `source ${join(cache, 'rrr', 'autocomplete', 'bash_setup')}; COMP_LINE='${line}'; COMP_WORDS=(${line}); COMP_CWORD=\${#COMP_WORDS[@]}; COMP_CWORD=$((COMP_CWORD-1)); COMP_POINT=\${#COMP_LINE}; _rrr_autocomplete; echo "\${COMPREPLY[@]}"`;
      return spawnSync('bash', ['-c', script], { encoding: 'utf8' }).stdout.trim();
    };
    expect(complete('rrr backt')).toBe('backtest');
    expect(complete('rrr data imp')).toBe('import');
    expect(complete('rrr backtest --stop-l')).toBe('--stop-loss');
  });
});

describe('npx rrr in the repository', () => {
  it('prints no npm warning, and leaves the built dist/ in place', () => {
    // A fresh npm cache makes npx install this checkout into it, as on a user's first `npx rrr`: that runs
    // the package's prepare script here, which must not rebuild (and so briefly remove) dist/.
    const built = statSync(join(repoRoot, 'dist', 'index.js'));
    const run = spawnSync('npx', ['rrr', '--version'], { cwd: repoRoot, env: userEnv({ npm_config_cache: tempDir('rrr-npx-cache-') }), encoding: 'utf8', input: '' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^rrr-backtest\/\d+\.\d+\.\d+ /);
    expect(run.stderr).toBe('');
    const after = statSync(join(repoRoot, 'dist', 'index.js'));
    expect([after.ino, after.mtimeMs]).toEqual([built.ino, built.mtimeMs]);
  });
});
