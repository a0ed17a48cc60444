/**
 * One ask/tell interface for every search method (Optuna-style): `ask()` proposes a trial, the caller runs it
 * and reports the objective with `tell(trial, value)`. Trials the strategy's own cross-check rejects
 * (`validate`, e.g. fast < slow) are pruned inside `ask()` before they are ever returned, and recorded so
 * trial numbers stay deterministic; a caller can also prune a running trial (`prune`, or `tell(t, undefined)`).
 */
import { UserError } from '../../errors.js';
import type { ParamValue, SearchSpace } from './space.js';

/** What a sampler hands out: a sequential number (0, 1, 2, ...) and the parameters to run. */
export interface Trial {
  readonly number: number;
  readonly params: Readonly<Record<string, ParamValue>>;
}

/**
 * running: asked, not yet told; complete: has a value; pruned: rejected before or while running (never
 * counted as a result); failed: its objective was NaN (ignored by TPE, as Optuna does with FAIL).
 */
export type TrialState = 'running' | 'complete' | 'pruned' | 'failed';

export interface TrialRecord extends Trial {
  state: TrialState;
  value?: number;
  /** Why the trial was pruned (the validate sentence), when known. */
  reason?: string;
}

export type Direction = 'minimize' | 'maximize';

/** Returns true, or the sentence saying why these parameters cannot run (a strategy's validate). */
export type ParamCheck = (params: Readonly<Record<string, ParamValue>>) => true | string;

/** What a method needs from the study to propose the next parameters. */
export interface StudyView {
  readonly space: SearchSpace;
  readonly direction: Direction;
  readonly trials: readonly TrialRecord[];
}

/** A search method: the next parameters to try, or undefined when it has none left (a finished grid). */
export interface Proposer {
  /** Total number of proposals for a finite method (a grid), else undefined. */
  readonly size: number | undefined;
  propose(study: StudyView): Record<string, ParamValue> | undefined;
}

export interface StudyOptions {
  direction?: Direction;
  /** The strategy's cross-check; a rejected proposal becomes a pruned trial and ask() moves on. */
  validate?: ParamCheck;
  /** ask() gives up with a UserError after this many proposals in a row are rejected (default 10,000). */
  maxConsecutivePrunes?: number;
}

/** The ask/tell study every method shares; create it with createSampler (index.ts). */
export class Study implements StudyView {
  readonly space: SearchSpace;
  readonly direction: Direction;
  private readonly records: TrialRecord[] = [];
  private readonly proposer: Proposer;
  private readonly validate: ParamCheck | undefined;
  private readonly maxConsecutivePrunes: number;

  constructor(space: SearchSpace, proposer: Proposer, options: StudyOptions = {}) {
    this.space = space;
    this.proposer = proposer;
    this.direction = options.direction ?? 'maximize';
    this.validate = options.validate;
    this.maxConsecutivePrunes = options.maxConsecutivePrunes ?? 10_000;
    if (this.direction !== 'minimize' && this.direction !== 'maximize') throw new RangeError(`direction must be "minimize" or "maximize", not ${String(this.direction)}`);
  }

  /** Every trial so far, in number order (pruned and running ones included). */
  get trials(): readonly TrialRecord[] {
    return this.records;
  }

  /** The number of proposals a finite method (grid) makes in all, pruned ones included; undefined otherwise. */
  get size(): number | undefined {
    return this.proposer.size;
  }

  /**
   * The next trial to run, or undefined when the method is exhausted. Proposals the validate check rejects
   * are recorded as pruned (with its sentence) and skipped.
   */
  ask(): Trial | undefined {
    for (let rejected = 0; ; rejected++) {
      if (rejected >= this.maxConsecutivePrunes) {
        const last = this.records[this.records.length - 1];
        throw new UserError(`The search found no parameters that pass the strategy's check in ${rejected.toLocaleString('en-US')} tries in a row (last: ${last?.reason ?? 'rejected'}): widen the ranges so valid combinations exist.`);
      }
      const params = this.proposer.propose(this);
      if (params === undefined) return undefined;
      const number = this.records.length;
      const verdict = this.validate ? this.validate(params) : true;
      if (verdict !== true) {
        this.records.push({ number, params, state: 'pruned', reason: verdict });
        continue;
      }
      const record: TrialRecord = { number, params, state: 'running' };
      this.records.push(record);
      return { number, params };
    }
  }

  /** Reports a trial's objective: a number completes it, NaN marks it failed, undefined prunes it. */
  tell(trial: Trial, value: number | undefined): void {
    const record = this.running(trial);
    if (value === undefined) {
      record.state = 'pruned';
    } else if (typeof value !== 'number') {
      throw new RangeError(`tell(trial ${trial.number}) needs a number or undefined, not ${typeof value}`);
    } else if (Number.isNaN(value)) {
      record.state = 'failed';
    } else {
      record.state = 'complete';
      record.value = value;
    }
  }

  /** Prunes a running trial (e.g. a constraint it cannot meet), with the reason to show. */
  prune(trial: Trial, reason?: string): void {
    const record = this.running(trial);
    record.state = 'pruned';
    if (reason !== undefined) record.reason = reason;
  }

  /** The best completed trial (lowest value when minimizing; the earliest on ties), or undefined. */
  best(): TrialRecord | undefined {
    let best: TrialRecord | undefined;
    for (const r of this.records) {
      if (r.state !== 'complete') continue;
      if (best === undefined || (this.direction === 'minimize' ? r.value! < best.value! : r.value! > best.value!)) best = r;
    }
    return best;
  }

  private running(trial: Trial): TrialRecord {
    const record = this.records[trial.number];
    // By number only: a trial may come back from a worker as a copy.
    if (!record) throw new RangeError(`trial ${trial.number} was not asked from this study`);
    if (record.state !== 'running') throw new RangeError(`trial ${trial.number} is already ${record.state}; tell or prune a trial once`);
    return record;
  }
}
