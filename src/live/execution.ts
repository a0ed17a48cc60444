import type { Bars } from '../data/bars.js';
import type { Book } from '../engine/book.js';
import type { StepRules } from '../engine/step.js';
import type { Broker, OrderRequest } from './types.js';

/**
 * A broker as the runner drives it: the engine's account (Book) holds the position, stop levels and trade
 * statistics the decisions read, kept by the engine itself (paper) or from the venue's fills (exchange).
 */
export interface Execution extends Broker {
  readonly book: Book;
  readonly rules: StepRules;
  /**
   * Closed bar t: what happened in it (paper: the engine's fills; exchange: the venue's fills). Returns the exits
   * the engine's rules ask for that the venue does not hold (emulated stops, max-hold), for the runner to send.
   */
  onBar(bars: Bars, t: number): void | OrderRequest[] | Promise<void | OrderRequest[]>;
  /** Sentences about the venue's reports the run should keep (journaled as warnings). */
  takeNotes?(): string[];
  /** An order is on its way and the position it changes is not known yet: no new decision until it fills. */
  readonly busy?: boolean;
  /** Units of an entry decided at signalBar, sized by the engine's rule at `price` (the last close). */
  estimateEntry(signalBar: number, side: number, price: number): number;
}
