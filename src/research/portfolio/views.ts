/**
 * Black-Litterman views for `rrr portfolio --views FILE`: the format of src/portfolio's parseViews
 * ({"asset"}, {"long", "short"} or {"weights"} views with "return" and an optional "confidence"), read with
 * ANNUAL returns, like --target-return, and divided by the periods per year for the per-bar optimizer.
 */
import { readFileSync } from 'node:fs';
import { parseViews } from '../../portfolio/black-litterman.js';
import type { View } from '../../portfolio/types.js';
import { UserError } from '../../errors.js';

export function readViews(path: string, assets: readonly string[], periodsPerYear: number): View[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError(`Cannot read --views ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}): give the path of a JSON list of views such as [{"asset": "A", "return": 0.08}].`, { code: 'RRR_BAD_VIEWS' });
  }
  return parseViews(text, [...assets]).map((v) => ({ ...v, return: v.return / periodsPerYear }));
}
