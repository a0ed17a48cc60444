import { Command, Flags, type Interfaces } from '@oclif/core';
import { closest, isUserError, UserError } from '../errors.js';
import { resolveDbPath, setStoreNotice, setStoreWait } from '../data/store.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof RrrCommand)['baseFlags'] & T['flags']>;

/** --wait SECONDS as milliseconds: a number, 0 or more. */
function parseWait(text: string): number {
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new UserError(`--wait "${text}" is not valid: give the number of seconds to wait for a busy store, 0 or more (0 fails at once).`, { code: 'RRR_BAD_WAIT' });
  }
  return Math.round(seconds * 1000);
}

/**
 * What every rrr command shares: --json, --db, --wait, and user errors rendered as one sentence with their
 * exit code (2 usage, 1 failure) instead of a stack trace.
 */
export abstract class RrrCommand extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    db: Flags.string({ description: 'DuckDB store file [default: $RRR_DB or .rrr/rrr.duckdb]', helpGroup: 'GLOBAL' }),
    wait: Flags.string({ description: 'seconds to wait for a store another rrr process is using (0: fail at once) [default: 30]', helpGroup: 'GLOBAL' }),
  };

  protected dbPath(flag: string | undefined): string {
    return resolveDbPath(flag);
  }

  /** Every command parses its flags first: --wait takes effect for all its store opens from there. */
  protected override async parse<F extends Interfaces.OutputFlags<any>, B extends Interfaces.OutputFlags<any>, A extends Interfaces.OutputArgs<any>>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    const parsed = await super.parse(options, argv);
    const wait = (parsed.flags as { wait?: string }).wait;
    if (wait !== undefined) setStoreWait(parseWait(wait));
    setStoreNotice((message) => this.progress(message));
    return parsed;
  }

  /** Progress on a terminal only: quiet under --json and when stderr is not a TTY. */
  protected progress(message: string): void {
    if (process.stderr.isTTY && !this.jsonEnabled()) process.stderr.write(`${message}\n`);
  }

  /** A destructive command without --yes needs someone to answer: without a terminal it is refused. */
  protected requireTerminal(action: string): void {
    if (!process.stdin.isTTY) throw new UserError(`Refusing to ${action} without confirmation: pass --yes when not at a terminal.`, { code: 'RRR_CONFIRM_NEEDED' });
  }

  /** Asks y/N on stderr (stdout keeps only results); true for y or yes. Call it with no store held open. */
  protected async confirm(question: string): Promise<boolean> {
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
    } finally {
      rl.close();
    }
  }

  /** "Unknown flag --stoploss. Did you mean --stop-loss?" instead of oclif's list and help. */
  private unknownFlag(error: Error & { flags?: string[] }): UserError {
    const given = error.flags?.[0] ?? '';
    const definitions = { ...(this.ctor.baseFlags ?? {}), ...(this.ctor.flags ?? {}), ...(this.ctor.enableJsonFlag ? { json: {} } : {}) } as Record<string, { aliases?: string[] }>;
    const names = Object.entries(definitions).flatMap(([name, flag]) => [name, ...(flag.aliases ?? [])]);
    const bare = given.replace(/^-+/, '').replace(/=.*$/, '');
    const near = closest(bare, names);
    const command = this.id ? `rrr ${this.id.replace(/:/g, ' ')}` : 'rrr';
    return new UserError(
      near ? `Unknown flag --${bare}. Did you mean --${near}?` : `Unknown flag ${given}: see "${command} --help" for the flags it accepts.`,
      { code: 'RRR_UNKNOWN_FLAG' },
    );
  }

  /** oclif's parse errors (a missing argument or flag, an extra argument) as one sentence instead of its help page. */
  private usageError(error: Error & { args?: Array<string | { name: string; description?: string }> }): UserError | undefined {
    const command = this.id ? `rrr ${this.id.replace(/:/g, ' ')}` : 'rrr';
    const help = `see "${command} --help"`;
    switch (error.constructor?.name) {
      case 'RequiredArgsError': {
        const missing = (error.args ?? []).map((a) => (typeof a === 'string' ? a : `${a.name.toUpperCase()}${a.description ? `, ${a.description}` : ''}`));
        return new UserError(`${command} needs ${missing.join(' and ')}: ${help}.`, { code: 'RRR_MISSING_ARGUMENT' });
      }
      case 'UnexpectedArgsError':
        return new UserError(`${command} does not take ${(error.args ?? []).map((a) => `"${String(a)}"`).join(', ')}: ${help} for what it takes.`, { code: 'RRR_UNEXPECTED_ARGUMENT' });
      case 'FailedFlagValidationError': {
        // eslint-disable-next-line no-control-regex
        const reasons = error.message.replace(/\u001b\[[0-9;]*m/g, '').split('\n').slice(1).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('See more help'));
        const missing = reasons.flatMap((r) => /^Missing required flag (\S+)$/.exec(r)?.[1] ?? []);
        if (missing.length === reasons.length) return new UserError(`${command} needs ${missing.map((f) => `--${f}`).join(' and ')}: ${help}.`, { code: 'RRR_MISSING_FLAG' });
        return new UserError(`${reasons.join('; ')}: ${help}.`, { code: 'RRR_BAD_FLAGS' });
      }
      default:
        return undefined;
    }
  }

  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    if (error.constructor?.name === 'NonExistentFlagsError') error = this.unknownFlag(error);
    error = this.usageError(error) ?? error;
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
