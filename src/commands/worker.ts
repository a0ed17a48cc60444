import { Flags } from '@oclif/core';
import { RrrCommand } from './_base.js';

export default class WorkerCommand extends RrrCommand {
  static override enableJsonFlag = false;
  static override summary = 'Run sweep trials and Monte Carlo paths from a Redis queue (BullMQ) until stopped: the worker side of optimize, walkforward and montecarlo --queue.';
  static override description =
    'Each thread takes one batch of trials at a time, checks that it was published by the same rrr version with the same strategy code as here ' +
    '(strategies load locally, by built-in name or from the same file path; no code travels through the queue), and runs it. ' +
    'A batch it must not run (fingerprint mismatch) goes back to the queue for a matching worker: it says why once per study on stderr and takes no more of that study\'s batches. ' +
    'SIGTERM or Ctrl-C finishes the batches in hand, then exits. A killed worker\'s batch is run again by another worker after about twice --stall-interval.';
  static override examples = [
    '<%= config.bin %> worker --queue redis://127.0.0.1:6379',
    '<%= config.bin %> worker --queue rediss://:PASSWORD@redis.internal:6380 --concurrency 8',
  ];
  static override flags = {
    queue: Flags.string({ description: 'Redis URL: redis://[user:password@]HOST[:PORT][/DB][?name=QUEUE], rediss:// for TLS', required: true }),
    concurrency: Flags.string({ description: 'threads running trials [default: the machine\'s cores]' }),
    'stall-interval': Flags.string({ description: 'seconds a batch\'s lock lasts without renewal; a killed worker\'s batch is redelivered after about twice this', default: '30' }),
  };

  async run() {
    const { flags } = await this.parse(WorkerCommand);
    const { UserError } = await import('../errors.js');
    const { wholeFlag } = await import('./_search-flags.js');
    const { availableParallelism } = await import('node:os');
    const { parseQueueUrl, startWorker } = await import('../research/queue/index.js');
    const concurrency = wholeFlag('concurrency', flags.concurrency, 1, 'a whole number of threads, 1 or more') ?? availableParallelism();
    const stall = Number(flags['stall-interval']);
    if (!(flags['stall-interval'].trim() !== '' && Number.isFinite(stall) && stall >= 0.2 && stall <= 3600)) {
      throw new UserError(`--stall-interval ${flags['stall-interval']} is not valid: give seconds from 0.2 to 3600, e.g. 30.`);
    }
    const target = parseQueueUrl(flags.queue);
    const worker = await startWorker(target, { concurrency, stallSeconds: stall, onRefused: (message) => process.stderr.write(`Refused a batch: ${message}\n`) });
    process.stderr.write(`rrr worker ${worker.info.id}: ${concurrency} thread${concurrency === 1 ? '' : 's'} on queue "${target.queue}" at ${target.display} (rrr ${worker.info.rrrVersion}); SIGTERM or Ctrl-C stops after the batches in hand.\n`);
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      process.stderr.write('Stopping: finishing the batches in hand.\n');
      void worker.stop();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    await worker.finished;
    process.stderr.write(`rrr worker ${worker.info.id} stopped after ${worker.info.jobs} batch${worker.info.jobs === 1 ? '' : 'es'}.\n`);
  }
}
