import { bollingerBands, crossover, crossunder } from '../../indicators/index.js';
import { defineStrategy } from '../define.js';
import { float, int } from '../params.js';

export default defineStrategy({
  name: 'bollinger-reversion',
  description: 'Mean reversion on Bollinger Bands: long when the close crosses below the lower band, out when it crosses back above the middle; shorts mirror it at the upper band.',
  params: {
    period: int(20, { min: 2, max: 300, description: 'SMA window of the bands' }),
    k: float(2, { min: 0.5, max: 5, step: 0.25, description: 'band width in population standard deviations' }),
  },
  warmup: (p) => p.period,
  signals: (bars, p) => {
    const b = bollingerBands(bars.close, p.period, p.k);
    return {
      entries: crossunder(bars.close, b.lower),
      exits: crossover(bars.close, b.middle),
      shortEntries: crossover(bars.close, b.upper),
      shortExits: crossunder(bars.close, b.middle),
    };
  },
});
