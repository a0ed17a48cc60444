import { RrrCommand } from './_base.js';
import type { ParamSchema } from '../strategies/params.js';

export default class Strategies extends RrrCommand {
  static override summary = 'List the built-in strategies with their parameters, defaults and ranges.';
  static override examples = ['<%= config.bin %> strategies', '<%= config.bin %> strategies --json'];

  async run() {
    await this.parse(Strategies);
    const { BUILTIN_STRATEGIES } = await import('../strategies/registry.js');
    const list = BUILTIN_STRATEGIES.map((s) => ({
      name: s.name,
      assets: s.assets ?? 1,
      description: s.description ?? '',
      params: s.params as ParamSchema,
    }));
    for (const s of list) {
      this.log(`${s.name}${s.assets > 1 ? ` (${s.assets} assets)` : ''}: ${s.description}`);
      for (const [k, p] of Object.entries(s.params)) {
        const range = p.kind === 'int' || p.kind === 'float' ? ` ${p.kind} ${p.min}..${p.max}` : p.kind === 'choice' ? ` one of ${p.options.join('|')}` : ' bool';
        this.log(`  --param ${k}=${p.default}  (${range.trim()}${p.description ? `; ${p.description}` : ''})`);
      }
    }
    this.log('\nYour own: --strategy ./file.ts exporting defineStrategy({ ... }) (see README).');
    return { strategies: list };
  }
}
