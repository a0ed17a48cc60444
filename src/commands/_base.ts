import { Command, Flags, type Interfaces } from '@oclif/core';
import { isUserError } from '../errors.js';
import { resolveDbPath } from '../data/store.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof RrrCommand)['baseFlags'] & T['flags']>;

/**
 * What every rrr command shares: --json, --db, and user errors rendered as one sentence with their exit
 * code (2 usage, 1 failure) instead of a stack trace.
 */
export abstract class RrrCommand extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    db: Flags.string({ description: 'DuckDB store file [default: $RRR_DB or .rrr/rrr.duckdb]', helpGroup: 'GLOBAL' }),
  };

  protected dbPath(flag: string | undefined): string {
    return resolveDbPath(flag);
  }

  /** Progress on a terminal only: quiet under --json and when stderr is not a TTY. */
  protected progress(message: string): void {
    if (process.stderr.isTTY && !this.jsonEnabled()) process.stderr.write(`${message}\n`);
  }

  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    // Library modules below the CLI throw RangeError for a bad value they were given: a usage error.
    if (isUserError(error) || error instanceof RangeError) {
      const code = isUserError(error) ? error.code : 'RRR_BAD_VALUE';
      const exit = isUserError(error) ? error.exitCode : 2;
      // One unwrapped line, so scripts can grep it; --json gets the same as an object on stdout.
      if (this.jsonEnabled()) this.logJson({ error: { code, message: error.message } });
      else process.stderr.write(`Error: ${error.message}\n`);
      this.exit(exit);
    }
    return super.catch(error);
  }
}
