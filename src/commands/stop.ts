import { Args, Flags } from '@oclif/core';
import { RrrCommand } from './_base.js';

export default class Stop extends RrrCommand {
  static override summary = 'Stop a running paper or live run cleanly, and wait until it has ended.';
  static override description =
    'Asks the run through its local endpoint (POST /stop); when the endpoint does not answer, sends SIGTERM to the runner\'s pid. ' +
    'Then waits for the runner process to end, at most --timeout seconds (it is not killed: a run that does not end in time is reported, still running).';
  static override examples = ['<%= config.bin %> stop paper-2', '<%= config.bin %> stop paper-2 --timeout 60 --json'];
  static override args = { runId: Args.string({ description: 'run id such as paper-1 (see rrr status)', required: true }) };
  static override flags = {
    timeout: Flags.string({ description: 'seconds to wait for the run to end', default: '30' }),
  };

  async run() {
    const { args, flags } = await this.parse(Stop);
    const { UserError } = await import('../errors.js');
    // The store is never opened here (runs live beside it): a wait for it would be silently ignored.
    if (flags.wait !== undefined) throw new UserError('rrr stop does not open the store, so --wait does not apply: leave it out.', { code: 'RRR_BAD_FLAGS' });
    const timeout = Number(flags.timeout);
    if (flags.timeout.trim() === '' || !Number.isFinite(timeout) || timeout <= 0) {
      throw new UserError(`--timeout "${flags.timeout}" is not valid: give the seconds to wait for the run to end, a number above 0.`, { code: 'RRR_BAD_VALUE' });
    }
    const { findRunFolder, liveBase } = await import('../live/run-folder.js');
    const { processAlive, runOwner } = await import('../live/journal.js');
    const { callRun } = await import('../live/status-server.js');
    const run = findRunFolder(liveBase(this.dbPath(flags.db)), args.runId);
    const started = Date.now();
    const answer = await callRun<{ stopping?: boolean; pid?: number }>(run.folder, '/stop');
    let pid: number;
    let via: 'endpoint' | 'signal';
    if (answer?.status === 202) {
      pid = answer.endpoint.pid;
      via = 'endpoint';
    } else {
      const owner = runOwner(run.folder);
      if (!owner?.alive) throw new UserError(`Run ${run.runId} is not running: see "rrr status ${run.runId}" for how it ended.`, { code: 'RRR_RUN_NOT_RUNNING', exitCode: 1 });
      pid = owner.pid;
      via = 'signal';
      this.progress(`Run ${run.runId}'s endpoint did not answer: sending SIGTERM to pid ${pid}.`);
      try {
        process.kill(pid, 'SIGTERM');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EPERM') throw new UserError(`Run ${run.runId}'s runner (pid ${pid}) belongs to another user: stop it as that user.`, { code: 'RRR_RUN_NOT_OURS', exitCode: 1 });
        if (code !== 'ESRCH') throw error;
      }
    }
    this.progress(`Waiting up to ${formatSeconds(timeout)} s for run ${run.runId} (pid ${pid}) to end...`);
    const deadline = started + timeout * 1000;
    while (processAlive(pid)) {
      if (Date.now() >= deadline) {
        throw new UserError(
          `Run ${run.runId} (pid ${pid}) was asked to stop but is still running after ${formatSeconds(timeout)} s: wait longer with --timeout, or end it with "kill ${pid}".`,
          { code: 'RRR_STOP_TIMEOUT', exitCode: 1 },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = (Date.now() - started) / 1000;
    this.log(`Stopped run ${run.runId} (pid ${pid}, asked ${via === 'endpoint' ? 'through its endpoint' : 'with SIGTERM'}) in ${formatSeconds(seconds)} s.`);
    return { runId: run.runId, pid, via, stopped: true, seconds };
  }
}

function formatSeconds(s: number): string {
  return String(Number(s.toFixed(1)));
}
