import type { PaperSessionResult } from '../live/session.js';
import { formatNumber, renderPairs } from './table.js';

const ENDED: Record<string, string> = {
  'end-of-feed': 'the data ended',
  stop: 'asked to stop',
  'kill-switch': 'the kill switch',
  'max-bars': '--max-bars',
};

/** The end of `rrr paper` and `rrr live` for a terminal. */
export function renderPaperResult(r: Pick<PaperSessionResult, 'runId' | 'folder' | 'bars' | 'resumedBars' | 'status'> & { stoppedBy: string }): string {
  const s = r.status;
  const position = s.positions[0];
  return renderPairs([
    ['Run', `${r.runId} (stopped by ${ENDED[r.stoppedBy] ?? r.stoppedBy}; rrr status ${r.runId})`],
    ['Bars', r.resumedBars > 0 ? `${r.bars} (${r.resumedBars} replayed from the journal)` : r.bars],
    ['Equity', formatNumber(s.equity)],
    ['P&L', formatNumber(s.equity - s.initialCash)],
    ['Position', position === undefined || position.amount === 0 ? 'flat' : `${formatNumber(position.amount)} ${position.symbol} at ${formatNumber(position.averagePrice ?? NaN)}`],
    ['Orders', s.orders],
    ['Fills', s.fills],
    ['Risk state', s.riskState],
    ['Journal', r.folder],
  ]);
}
