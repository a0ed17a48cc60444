import { Flags } from '@oclif/core';

const TIMEFRAME_HELP = 'bar timeframe: 1m, 5m, 15m, 1h, 4h, 1d, 1w, 1mo (case-insensitive; 1mo is a month)';

export const timeframeFlag = () => Flags.string({ char: 't', description: TIMEFRAME_HELP, required: true });
export const optionalTimeframeFlag = () => Flags.string({ char: 't', description: TIMEFRAME_HELP });

export const rangeFlags = {
  from: Flags.string({ description: 'first bar time, inclusive: YYYY, YYYY-MM, YYYY-MM-DD or ISO-8601 (UTC); a period means its start' }),
  to: Flags.string({ description: 'last bar time, inclusive; a year, month or day means its end' }),
};

export const columnFlags = {
  'time-column': Flags.string({ description: 'source column holding the bar time [default: timestamp, time, date, ...]', helpGroup: 'COLUMNS' }),
  'open-column': Flags.string({ description: 'source column holding the open', helpGroup: 'COLUMNS' }),
  'high-column': Flags.string({ description: 'source column holding the high', helpGroup: 'COLUMNS' }),
  'low-column': Flags.string({ description: 'source column holding the low', helpGroup: 'COLUMNS' }),
  'close-column': Flags.string({ description: 'source column holding the close', helpGroup: 'COLUMNS' }),
  'volume-column': Flags.string({ description: 'source column holding the volume (optional; may be empty)', helpGroup: 'COLUMNS' }),
  'time-unit': Flags.string({ description: 'unit of numeric timestamps', options: ['auto', 's', 'ms'], default: 'auto', helpGroup: 'COLUMNS' }),
};

export function readOptionsFrom(flags: Record<string, unknown>) {
  return {
    time: flags['time-column'] as string | undefined,
    open: flags['open-column'] as string | undefined,
    high: flags['high-column'] as string | undefined,
    low: flags['low-column'] as string | undefined,
    close: flags['close-column'] as string | undefined,
    volume: flags['volume-column'] as string | undefined,
    timeUnit: flags['time-unit'] as 'auto' | 's' | 'ms',
  };
}
