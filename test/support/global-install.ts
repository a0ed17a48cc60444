import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { dirname, join } from 'node:path';
import type { CliResult } from '../helpers/cli.js';

// What `npm test` sets for the script it runs and would steer a nested npm (prefix, package, lifecycle);
// registry, cache and proxy settings pass through.
const NPM_SCRIPT_ENV = /^(npm_package_|npm_lifecycle_|npm_config_(local_|global_)?prefix$|npm_command$|npm_execpath$|npm_node_execpath$|INIT_CWD$)/i;

/**
 * The environment a user's shell would give npm and rrr: without what npm sets for the `npm test` that
 * runs vitest, without RRR_DB, with this Node first on PATH (the installed bin starts with
 * `#!/usr/bin/env node`).
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!NPM_SCRIPT_ENV.test(key) && key !== 'RRR_DB') env[key] = value;
  }
  env.PATH = [dirname(process.execPath), process.env.PATH].join(':');
  return { ...env, ...extra };
}

export function npm(args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync('npm', args, { cwd, env: userEnv(), encoding: 'utf8', input: '', maxBuffer: 1 << 26 });
}

export interface GlobalInstall {
  /** The packed tarball's file names, relative to the package root. */
  packed: string[];
  /** The --prefix the package was installed into, as `npm install -g` would into /usr/local. */
  prefix: string;
  /** Where the package itself landed: PREFIX/lib/node_modules/<name>. */
  packageDir: string;
  /** What `npm install -g` printed on stderr. */
  installErr: string;
}

/**
 * `npm pack` of the repository (dist/ as vitest's global setup just built it; --ignore-scripts so packing
 * does not rebuild dist/ under the other test files), then `npm install -g --prefix` of that tarball, the
 * way the README tells a user to install it.
 */
export function packAndInstallGlobally(repoRoot: string, into: string): GlobalInstall {
  const pack = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', into], repoRoot);
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const [{ name, filename, files }] = JSON.parse(pack.stdout) as [{ name: string; filename: string; files: { path: string }[] }];
  const prefix = join(into, 'global');
  const install = npm(['install', '--global', '--prefix', prefix, '--ignore-scripts', '--no-audit', '--no-fund', join(into, filename)], into);
  if (install.status !== 0) throw new Error(`npm install -g of ${filename} failed: ${install.stderr}`);
  return { packed: files.map((f) => f.path), prefix, packageDir: join(prefix, 'lib', 'node_modules', name), installErr: install.stderr };
}

/** Runs the installed `rrr` executable (PREFIX/bin/rrr) as a user would, with a non-TTY stdin. */
export function installedRrr(install: GlobalInstall, args: readonly string[], cwd: string, env: Record<string, string> = {}): CliResult {
  const result = spawnSync(join(install.prefix, 'bin', 'rrr'), args, { cwd, env: userEnv(env), encoding: 'utf8', input: '', maxBuffer: 1 << 28 });
  return {
    status: result.status ?? -1,
    stdout: result.stdout,
    stderr: result.stderr,
    json: () => JSON.parse(result.stdout),
  };
}
