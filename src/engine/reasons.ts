/** Reason codes of the order log (`reason`) and the trade log (`exitReason`). */
export const REASON_ENTRY = 0;
/** An exit (or entry) signal. */
export const REASON_SIGNAL = 1;
export const REASON_STOP_LOSS = 2;
export const REASON_TAKE_PROFIT = 3;
export const REASON_TRAILING_STOP = 4;
export const REASON_MAX_HOLD = 5;
/** Closed by an opposite entry (direction 'both'), which then opened the other side at the same fill. */
export const REASON_REVERSE = 6;
/** Still open after the last bar (trade log only; marked to the last close). */
export const REASON_END_OF_DATA = 7;
/** A portfolio rebalance order. */
export const REASON_REBALANCE = 8;
/** Closed at the end of the data by the closeAtEnd option, exit costs paid. */
export const REASON_CLOSE_AT_END = 9;

/** Names by code, for rendering: REASON_NAMES[REASON_STOP_LOSS] === 'stop-loss'. */
export const REASON_NAMES: readonly string[] = [
  'entry',
  'signal',
  'stop-loss',
  'take-profit',
  'trailing-stop',
  'max-hold',
  'reverse',
  'end-of-data',
  'rebalance',
  'close-at-end',
];

/** The name of a reason code (the code itself as text for an unknown one). */
export function reasonName(code: number): string {
  return REASON_NAMES[code] ?? String(code);
}
