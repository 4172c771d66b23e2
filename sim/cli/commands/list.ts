/** `lockstep list [--json]`: every scenario, its variants and what each is documented to do. */
import { CATALOGUE } from '../../../properties/catalogue.js';
import { findBinding } from '../../scenarios/index.js';
import { defineCommand } from '../options/command.js';
import { jsonOption } from '../options/shared-options.js';
import { printJson } from '../json-envelope.js';
import { accepted, type ChoiceOption, type IntegerOption } from '../options/option.js';

/** The accepted values of a parameter as data: its bounds, or its words. */
function range(option: IntegerOption | ChoiceOption): { min: number; max: number } | { choices: readonly string[] } {
  return option.kind === 'integer' ? { min: option.min, max: option.max } : { choices: option.choices };
}

export const listCommand = defineCommand({
  name: 'list',
  summary: 'scenarios, variants, properties, parameters and each variant\'s documented verdict',
  options: { json: jsonOption },
  examples: ['lockstep list', 'lockstep list --json'],
  async run({ values }) {
    const rows = CATALOGUE.map((entry) => {
      const binding = findBinding(entry.name);
      return {
        scenario: entry.name,
        seed: entry.seed,
        summary: entry.summary,
        properties: binding?.properties.map((p) => ({ name: p.name, kind: p.kind, claim: p.claim })) ?? [],
        params: binding?.params.map((p) => ({ name: p.name, flag: `--${p.flag}`, default: p.default, describe: p.describe, accepts: accepted(p.option), ...range(p.option) })) ?? [],
        variants: entry.variants,
        checkAllParams: entry.checkAllParams ?? [{}],
      };
    });
    if (values.json) {
      printJson('list', { scenarios: rows });
      return 0;
    }
    for (const row of rows) {
      process.stdout.write(`${row.scenario}  (seed ${row.seed})\n  ${row.summary}\n`);
      for (const v of row.variants) {
        const expected = v.expected.verdict === 'holds' ? 'holds' : `violates ${v.expected.property}`;
        process.stdout.write(`  --variant ${v.name.padEnd(12)} expected: ${expected}\n      ${v.summary}\n`);
        for (const also of v.alsoUnder ?? []) {
          const flags = Object.entries(also.params).map(([name, value]) => `--${row.params.find((p) => p.name === name)?.flag.slice(2) ?? name} ${String(value)}`).join(' ');
          const verdict = also.expected.verdict === 'holds' ? 'holds' : `violates ${also.expected.property}`;
          process.stdout.write(`      with ${flags}: expected ${verdict}\n        ${also.summary}\n`);
        }
      }
      process.stdout.write(`  properties: ${row.properties.map((p) => `${p.name} (${p.kind})`).join(', ')}\n`);
      process.stdout.write(`  parameters: ${row.params.map((p) => `${p.flag} (default ${p.default})`).join(', ')}\n`);
      if (row.checkAllParams.length > 1 || Object.keys(row.checkAllParams[0] ?? {}).length > 0) {
        const sets = row.checkAllParams.map((set) => Object.entries(set).map(([name, value]) => `--${row.params.find((p) => p.name === name)?.flag.slice(2) ?? name} ${String(value)}`).join(' '));
        process.stdout.write(`  check --all runs every variant under: ${sets.join('; ')}\n`);
      }
      process.stdout.write('\n');
    }
    return 0;
  },
});
