import { Args } from '@oclif/core';
import { RrrCommand } from './_base.js';
import type { LoadedRunStatus } from '../live/status-server.js';
import type { DriftEntry } from '../live/types.js';

export default class Status extends RrrCommand {
  static override summary = 'Show a paper or live run: positions, open orders, P&L, risk state and the last risk decisions.';
  static override description =
    'A running run answers through its local endpoint (127.0.0.1, token in the run\'s folder); a stopped one is read from its journal. ' +
    'Runs live beside the store, in <folder of the store>/live/<run id>/. Reads only: nothing is written, and the store is not opened.';
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status paper-2', '<%= config.bin %> status paper-2 --json'];
  static override args = { runId: Args.string({ description: 'run id such as paper-1 [default: the latest run]', required: false }) };

  async run() {
    const { args, flags } = await this.parse(Status);
    const { UserError } = await import('../errors.js');
    // The store is never opened here (runs live beside it): a wait for it would be silently ignored.
    if (flags.wait !== undefined) throw new UserError('rrr status does not open the store, so --wait does not apply: leave it out.', { code: 'RRR_BAD_FLAGS' });
    const { findRunFolder, latestRun, liveBase } = await import('../live/run-folder.js');
    const { loadRunStatus } = await import('../live/status-server.js');
    const base = liveBase(this.dbPath(flags.db));
    const run = args.runId !== undefined ? findRunFolder(base, args.runId) : latestRun(base);
    if (!run) throw new UserError(`There are no paper or live runs in ${base} yet: start one with "rrr paper".`, { code: 'RRR_NO_RUNS', exitCode: 1 });
    const loaded = await loadRunStatus(run.folder);
    for (const warning of loaded.warnings) if (!this.jsonEnabled()) process.stderr.write(`Warning: ${warning}\n`);
    this.log(await renderStatus(run.runId, loaded));
    return { runId: run.runId, source: loaded.source, pid: loaded.pid, warnings: loaded.warnings, status: loaded.status };
  }
}

async function renderStatus(runId: string, loaded: LoadedRunStatus): Promise<string> {
  const { formatNumber, renderPairs, renderTable } = await import('../report/table.js');
  const { formatTime } = await import('../data/time.js');
  const s = loaded.status;
  const c = s.config;
  const how = loaded.source === 'endpoint' ? `pid ${loaded.pid}, from its endpoint` : loaded.pid !== null ? `pid ${loaded.pid}, from its journal` : 'from its journal';
  const total = s.equity - s.initialCash;
  const pairs: [string, unknown][] = [
    ['Run', `${runId} (${s.mode ?? 'unknown mode'}, ${s.state}; ${how})`],
    ...(c
      ? ([
          ['Strategy', [c.strategy, ...Object.entries(c.params).map(([k, v]) => `${k}=${v}`)].join(' ')],
          ['Market', `${c.symbol} ${c.timeframe}, feed ${c.feed}${c.exchange ? ` (${c.exchange})` : ''}, broker ${c.broker}`],
        ] as [string, unknown][])
      : []),
    ['Started', s.startedAt === null ? 'no start entry' : formatTime(s.startedAt)],
    ...(s.resumedAt.length > 0 ? [['Resumed', s.resumedAt.map(formatTime).join(', ')] as [string, unknown]] : []),
    ...(s.stoppedAt !== null ? [['Stopped', `${formatTime(s.stoppedAt)} (${s.stopReason})`] as [string, unknown]] : []),
    ['Last bar', s.lastBar ? `#${s.lastBar.index} ${formatTime(s.lastBar.bar.time)} close ${formatNumber(s.lastBar.bar.close)} (${s.bars} bars)` : 'none yet'],
    ['Cash', formatNumber(s.cash)],
    ['Equity', `${formatNumber(s.equity)} (started with ${formatNumber(s.initialCash)})`],
    ['P&L', `${formatNumber(total)}: realized ${formatNumber(s.realizedPnl)}, unrealized ${formatNumber(s.unrealizedPnl)}, fees ${formatNumber(s.fees)}`],
    ['Orders', `${s.orders} placed, ${s.openOrders.length} open, ${s.fills} fills`],
    ['Risk', `${s.riskState} (${s.riskDecisions.allowed} allowed, ${s.riskDecisions.refused} refused)`],
  ];
  const blocks = [renderPairs(pairs)];
  blocks.push(
    s.positions.length === 0
      ? 'Positions: none (flat).'
      : `Positions\n${renderTable(['symbol', 'amount', 'avg price', 'mark', 'value', 'unrealized'], s.positions.map((p) => [p.symbol, p.amount, p.averagePrice, p.markPrice, p.value, p.unrealizedPnl]))}`,
  );
  blocks.push(
    s.openOrders.length === 0
      ? 'Open orders: none.'
      : `Open orders\n${renderTable(
          ['order', 'side', 'type', 'amount', 'price', 'state', 'filled', 'remaining', 'reason'],
          s.openOrders.map((o) => [o.clientOrderId, o.side, o.type, o.amount, o.price ?? o.stopPrice ?? null, o.state, o.filled, o.remaining, o.reason]),
        )}`,
  );
  blocks.push(
    s.lastDecisions.length === 0
      ? 'Risk decisions: none yet.'
      : `Last risk decisions (latest ${s.lastDecisions.length})\n${renderTable(
          ['time', 'order', 'allowed', 'rule', 'state', 'reason'],
          s.lastDecisions.map((d) => [formatTime(d.time), d.clientOrderId ?? '', d.allowed ? 'yes' : 'NO', d.rule, d.state, d.reason]),
        )}`,
  );
  if (s.drift.length > 0) blocks.push(`Model drift (features against the training data)\n${s.drift.map(driftLine).join('\n')}`);
  if (s.notes.length > 0) blocks.push(`Notes\n${s.notes.map((n) => `${formatTime(n.time)} ${n.level}: ${n.message}`).join('\n')}`);
  return blocks.join('\n\n');
}

function driftLine(d: DriftEntry): string {
  if (d.unchecked !== undefined) return `${d.model}: not checked: ${d.unchecked}.`;
  const worst = (key: 'psi' | 'pValue', pick: (a: number, b: number) => boolean) => d.features.reduce((w, f) => (pick(f[key], w[key]) ? f : w), d.features[0]);
  const psi = worst('psi', (a, b) => a > b);
  const ks = worst('pValue', (a, b) => a < b);
  const state = d.drifted.length > 0 ? `DRIFTED (${d.drifted.join(', ')})` : 'stable';
  return `${d.model}: ${state} at bar #${d.index}, last ${d.window} bars; largest PSI ${psi.psi.toFixed(2)} (${psi.feature}), smallest KS p-value ${ks.pValue.toPrecision(2)} (${ks.feature})`;
}
