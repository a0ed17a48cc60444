import { readFileSync } from 'node:fs';
import { UserError } from './errors.js';

/**
 * The heavy engines only some commands need (onnxruntime-node, danfojs-node: hundreds of MB) are optional
 * peer dependencies, so a user who only backtests never downloads them. Whatever uses one imports it
 * through here, inside the function that needs it.
 */
export async function importOptional<T = unknown>(name: string, purpose: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    if (!isMissingPackage(error, name)) throw error;
    const range = declaredRange(name);
    const spec = range ? `${name}@${range}` : name;
    const what = purpose.charAt(0).toUpperCase() + purpose.slice(1);
    throw new UserError(
      `${what} needs ${name}, an optional engine that is not installed: run "npm install -g ${spec}" when rrr is installed globally, or "npm install ${spec}" in your project.`,
      { exitCode: 1, code: 'RRR_MISSING_OPTIONAL', cause: error },
    );
  }
}

/** Missing itself, not present but failing on one of its own imports (that error is passed on as it is). */
function isMissingPackage(error: unknown, name: string): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && typeof message === 'string' && message.includes(`'${name}'`);
}

/** The version range package.json accepts, so the advice installs a version rrr works with. */
function declaredRange(name: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { peerDependencies?: Record<string, string> };
    return pkg.peerDependencies?.[name];
  } catch {
    return undefined;
  }
}
