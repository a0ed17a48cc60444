import { Flags } from '@oclif/core';
import { RrrCommand } from '../_base.js';

export default class QueueStatus extends RrrCommand {
  static override summary = 'Show a sweep queue: waiting, active, done and failed batches, the studies in it, and the workers seen.';
  static override description = 'A worker counts as seen while it runs (it refreshes a heartbeat every 5 s; one stopped or killed drops out within 15 s). A worker that refuses a study with unfinished batches (another rrr version or strategy code: "fingerprint mismatch") leaves them to the others. Reads Redis only; writes nothing.';
  static override examples = ['<%= config.bin %> queue status --queue redis://127.0.0.1:6379', '<%= config.bin %> queue status --queue redis://127.0.0.1:6379 --json'];
  static override flags = {
    queue: Flags.string({ description: 'Redis URL: redis://[user:password@]HOST[:PORT][/DB][?name=QUEUE], rediss:// for TLS', required: true }),
  };

  async run() {
    const { flags } = await this.parse(QueueStatus);
    const { parseQueueUrl, queueStatus } = await import('../../research/queue/index.js');
    const { renderTable } = await import('../../report/table.js');
    const status = await queueStatus(parseQueueUrl(flags.queue));
    const { jobs } = status;
    this.log(`Queue "${status.queue}" at ${status.url}`);
    this.log(renderTable(['waiting', 'active', 'done', 'failed', 'delayed'], [[jobs.waiting, jobs.active, jobs.done, jobs.failed, jobs.delayed]]));
    this.log(status.studies.length === 0 ? 'No study has unfinished batches.' : `Unfinished batches of: ${status.studies.join(', ')}`);
    if (status.workers.length === 0) this.log('No workers seen: start some with "rrr worker --queue URL".');
    else {
      const fingerprint = (w: (typeof status.workers)[number]) => (w.fingerprintMismatch.length === 0 ? 'ok' : `fingerprint mismatch: ${w.fingerprintMismatch.join(', ')}`);
      this.log(renderTable(['worker', 'host', 'threads', 'rrr', 'started', 'batches', 'unfinished studies'], status.workers.map((w) => [w.id, w.host, w.concurrency, w.rrrVersion, `${w.startedAt.slice(0, 19)}Z`, w.jobs, fingerprint(w)])));
    }
    return status;
  }
}
