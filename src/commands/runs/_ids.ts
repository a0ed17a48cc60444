import { UserError } from '../../errors.js';

/**
 * The run ids of a command taking several (`strict = false` puts them in argv): an unknown flag would land
 * there too, so it is refused as a flag; an id given twice is refused rather than silently counted once.
 */
export function runIdArgs(argv: readonly unknown[], options: { min: number; command: string; example: string }): string[] {
  const ids = argv.map(String);
  const flag = ids.find((a) => a.startsWith('-'));
  if (flag !== undefined) throw new UserError(`Unknown flag ${flag}: see "${options.command} --help" for the flags it accepts.`, { code: 'RRR_UNKNOWN_FLAG' });
  if (ids.length < options.min) throw new UserError(`${options.command} takes at least ${options.min} run id${options.min === 1 ? '' : 's'} (got ${ids.length}), e.g. "${options.example}".`);
  const twice = ids.find((id, k) => ids.indexOf(id) !== k);
  if (twice !== undefined) throw new UserError(`Run ${twice} is given twice: give each run id once.`);
  return ids;
}
