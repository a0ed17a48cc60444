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
  if (!fromSources) return { filename };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { filename, execArgv: ['--import', tsx] };
}
