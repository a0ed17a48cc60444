import { UserError } from '../errors.js';

/**
 * Whether a run may trade real money. Three keys, all needed: the --live flag, RRR_LIVE=1 in the environment,
 * and a confirmation (answered on a terminal, or --yes-i-understand). This module decides; the command asks.
 */

export interface LiveGateInput {
  /** --live was given. */
  readonly live: boolean;
  /** --yes-i-understand was given. */
  readonly yesIUnderstand: boolean;
  /** Whether stdin is a terminal someone can answer on. */
  readonly terminal: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** What the run would trade, for the question: "BTC/USDT on binance with sma-cross". */
  readonly what?: string;
}

export type LiveGateDecision =
  /** No --live: a paper run, nothing to confirm. */
  | { readonly mode: 'paper' }
  /** Live, confirmed by --yes-i-understand. */
  | { readonly mode: 'live'; readonly ask: null }
  /** Live once the user answers yes to this question on the terminal. */
  | { readonly mode: 'live'; readonly ask: string };

/** Decides, or refuses with one sentence naming what is missing. */
export function liveGate(input: LiveGateInput): LiveGateDecision {
  const env = input.env ?? process.env;
  if (!input.live) {
    if (input.yesIUnderstand) throw new UserError('--yes-i-understand confirms real-money trading, which needs --live: give both, or neither for a paper run.', { code: 'RRR_LIVE_GATE' });
    return { mode: 'paper' };
  }
  if (env.RRR_LIVE !== '1') {
    const given = env.RRR_LIVE === undefined ? 'is not set' : `is "${env.RRR_LIVE}"`;
    throw new UserError(`--live trades real money only when the environment variable RRR_LIVE=1 is set as well (RRR_LIVE ${given}): nothing was sent.`, { code: 'RRR_LIVE_GATE' });
  }
  if (input.yesIUnderstand) return { mode: 'live', ask: null };
  if (!input.terminal) {
    throw new UserError('--live needs a confirmation: answer the question on a terminal, or pass --yes-i-understand when not at one; nothing was sent.', { code: 'RRR_LIVE_GATE' });
  }
  return { mode: 'live', ask: `Trade REAL MONEY${input.what ? ` (${input.what})` : ''}? Orders will be sent to the exchange.` };
}

/**
 * The whole gate for a command: decides, asks when a question is due (`ask` is the command's confirm), and
 * refuses a "no" with one sentence (exit 1). Resolves to the mode the run may use.
 */
export async function passLiveGate(input: LiveGateInput, ask: (question: string) => Promise<boolean>): Promise<'paper' | 'live'> {
  const decision = liveGate(input);
  if (decision.mode === 'paper') return 'paper';
  if (decision.ask !== null && !(await ask(decision.ask))) {
    throw new UserError('Real-money trading was not confirmed: nothing was sent.', { code: 'RRR_LIVE_NOT_CONFIRMED', exitCode: 1 });
  }
  return 'live';
}
