import { UserError } from '../errors.js';
import type { JournalSink } from './runner.js';
import type { JournalEntry } from './types.js';

/** Entries a replay of the journaled bars makes again; the rest (start, resume, notes, stop) are the session's. */
const REPLAYED = new Set<JournalEntry['kind']>(['bar', 'order', 'order-state', 'fill', 'position', 'risk', 'drift']);

/** What identifies an entry when a replay makes it again (times aside: a live feed's clock differs on replay). */
function identity(e: JournalEntry): string {
  switch (e.kind) {
    case 'bar':
      return `bar ${e.index} ${e.bar.time} ${e.bar.open} ${e.bar.high} ${e.bar.low} ${e.bar.close}`;
    case 'order':
      return `order ${e.order.clientOrderId} ${e.order.side} ${e.order.type} ${e.order.amount} ${e.order.reason}`;
    case 'order-state':
      return `order-state ${e.status.clientOrderId} ${e.status.state} ${e.status.filled}`;
    case 'fill':
      return `fill ${e.fill.fillId} ${e.fill.amount} ${e.fill.price} ${e.fill.fee}`;
    case 'position':
      return `position ${e.account.time} ${e.account.cash} ${e.account.position}`;
    case 'risk':
      return `risk ${e.decision.clientOrderId ?? ''} ${e.decision.allowed} ${e.decision.rule}`;
    case 'drift':
      return `drift ${e.index} ${e.model} ${e.drifted.join(',')}`;
    default:
      return e.kind;
  }
}

/**
 * The journal sink of a resumed run. The runner replays the journaled bars from a fresh start; what it does
 * again must match the journal entry for entry (it is deterministic), and only what the journal lacks (the
 * tail a crash cut off: a fill of the last bar, an order not yet written) is appended. So nothing is lost and
 * nothing is sent or counted twice; a journal that does not match its own replay is refused.
 */
export class ReplayingSink implements JournalSink {
  private readonly expected: JournalEntry[];
  private at = 0;

  constructor(
    journaled: readonly JournalEntry[],
    private readonly target: JournalSink,
    private readonly runId: string,
  ) {
    this.expected = journaled.filter((e) => REPLAYED.has(e.kind));
  }

  /** Bars the journal holds, in order: what the resumed runner replays first. */
  journaledBars(): Extract<JournalEntry, { kind: 'bar' }>[] {
    return this.expected.filter((e): e is Extract<JournalEntry, { kind: 'bar' }> => e.kind === 'bar');
  }

  /** Entries the replay has not reached yet (0 once it caught up). */
  get behind(): number {
    return this.expected.length - this.at;
  }

  flush(): void {
    this.target.flush?.();
  }

  sync(): void {
    this.target.sync?.();
  }

  append(entry: JournalEntry): void {
    if (this.at < this.expected.length) {
      const want = identity(this.expected[this.at]);
      const got = identity(entry);
      if (want !== got) {
        throw new UserError(`Run ${this.runId} cannot be resumed: replaying its bars gives "${got}" where its journal has "${want}" (entry ${this.at + 1}); the strategy, its settings or the data changed since the run started.`, { code: 'RRR_RESUME_MISMATCH', exitCode: 1 });
      }
      this.at++;
      return;
    }
    this.target.append(entry);
  }
}
