import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { importOptional } from '../src/optional.js';

describe('importOptional', () => {
  it('loads an installed package', async () => {
    const stats = await importOptional<typeof import('simple-statistics')>('simple-statistics', 'statistics');
    expect(stats.mean([1, 2, 6])).toBe(3);
  });

  it('names the package and the command that installs it when it is absent', async () => {
    const error = await importOptional('rrr-no-such-engine', 'model inference').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ exitCode: 1, code: 'RRR_MISSING_OPTIONAL' });
    // Not among package.json's peerDependencies, so no version range is offered.
    expect((error as Error).message).toBe(
      'Model inference needs rrr-no-such-engine, an optional engine that is not installed: run "npm install -g rrr-no-such-engine" when rrr is installed globally, or "npm install rrr-no-such-engine" in your project.',
    );
  });
});
