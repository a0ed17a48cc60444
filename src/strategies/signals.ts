import { scratchBytes } from '../indicators/cache.js';
import { crossesInto } from '../indicators/index.js';
import type { Signals } from '../engine/types.js';

/**
 * Signals from two lines: long when `fast` crosses above `slow`, out when it crosses below; the short side
 * mirrors it (used with --direction short or both). In a sweep trial the flag columns are the trial's scratch
 * (see withTrialScratch), valid until the trial ends.
 */
export function crossSignals(fast: Float64Array, slow: Float64Array): Signals {
  const n = fast.length;
  const { up, down } = crossesInto(scratchBytes(n), scratchBytes(n), fast, slow);
  return { entries: up, exits: down, shortEntries: down, shortExits: up };
}

/** 1 where `condition` becomes true (it was false or undefined the bar before). */
export function onsets(condition: (i: number) => boolean, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let previous = false;
  for (let i = 0; i < length; i++) {
    const now = condition(i);
    if (now && !previous) out[i] = 1;
    previous = now;
  }
  return out;
}
