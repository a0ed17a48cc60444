import type { Hook } from '@oclif/core';
import { closest } from '../errors.js';

/**
 * A mistyped command gets one sentence naming the nearest command (exit 2), the same in a terminal and in
 * a script, and never a prompt. Not @oclif/plugin-not-found: it names the suggestion only in an
 * interactive prompt that then runs it, and with stdin not a TTY prints just "Run rrr help".
 */
const hook: Hook<'command_not_found'> = async function (options) {
  const { config, id, argv } = options;
  const shown = (commandId: string) => commandId.replaceAll(':', config.topicSeparator);
  const visible = ['help', ...config.commands.filter((c) => !c.hidden).flatMap((c) => [c.id, ...c.aliases])];
  // `rrr help backtst` arrives as the id help:backtst.
  const asked = id.startsWith('help:') ? id.slice('help:'.length) : id;
  const typed = shown(asked);
  const near = closest(typed, visible.map(shown));
  const meant = near && asked !== id ? `help ${near}` : near;
  const message = `"${typed}" is not an ${config.bin} command.${meant ? ` Did you mean "${meant}"?` : ''} Run "${config.bin} help" for the list of commands.`;
  if (argv?.includes('--json')) process.stdout.write(`${JSON.stringify({ error: { code: 'RRR_UNKNOWN_COMMAND', message } })}\n`);
  else process.stderr.write(`Error: ${message}\n`);
  this.exit(2);
};

export default hook;
