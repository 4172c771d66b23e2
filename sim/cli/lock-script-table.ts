/**
 * Readable text for lock scripts and their outcomes: one row per step (step number counted from 1, conn, SQL,
 * outcome), and the side-by-side table `conform` prints for a disagreement.
 */
import { stepSql, type LockScript, type StepOutcome } from '../../spec/sqlite/lock-script.js';

export function scriptHeading(script: LockScript, label: string): string {
  const connections = `${script.connections} connection${script.connections === 1 ? '' : 's'}`;
  return `${label}: journal ${script.journal}, ${connections}, keys ${script.keys.join(', ')}, ${script.steps.length} steps`;
}

/** The outcome table of one script; `wouldWait` adds the model's column (predict). */
export function outcomeTable(script: LockScript, outcomes: readonly StepOutcome[], options: { wouldWait: boolean }): string {
  const header = ['step', 'conn', 'sql', 'status', 'code', 'value', 'inTransaction'];
  if (options.wouldWait) header.push('wouldWait');
  const rows = script.steps.map((step, index) => {
    const outcome = outcomes[index];
    const row = [
      String(index + 1),
      String(step.conn),
      stepSql(step),
      outcome?.status ?? '?',
      outcome?.code ?? '',
      outcome?.value === undefined ? '' : String(outcome.value),
      outcome === undefined ? '' : outcome.inTransaction ? 'yes' : 'no',
    ];
    if (options.wouldWait) row.push(outcome?.wouldWait === undefined ? '' : outcome.wouldWait ? 'yes' : 'no');
    return row;
  });
  return table(header, rows, [true, true, false, false, false, true, false, false]);
}

/** Model and real outcomes side by side for every step, the first difference marked. */
export function comparisonTable(
  script: LockScript,
  model: readonly StepOutcome[],
  real: readonly StepOutcome[],
  differsAt: number | null,
): string {
  const rows = script.steps.map((step, index) => [
    index === differsAt ? '>>' : '',
    String(index + 1),
    String(step.conn),
    stepSql(step),
    briefOutcome(model[index]),
    briefOutcome(real[index]),
  ]);
  return table(['', 'step', 'conn', 'sql', 'model', 'real'], rows, [false, true, true, false, false, false]);
}

/** `busy SQLITE_BUSY no-tx would-wait`, `ok value=0 in-tx`: one outcome in a cell. */
export function briefOutcome(outcome: StepOutcome | null | undefined): string {
  if (outcome === undefined || outcome === null) return '(none)';
  const parts: string[] = [outcome.status];
  if (outcome.code !== undefined) parts.push(outcome.code);
  if (outcome.value !== undefined) parts.push(`value=${outcome.value}`);
  parts.push(outcome.inTransaction ? 'in-tx' : 'no-tx');
  if (outcome.wouldWait !== undefined) parts.push(outcome.wouldWait ? 'would-wait' : 'no-wait');
  return parts.join(' ');
}

function table(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly boolean[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return rightAligned[column] === true ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** A script as JSON that reads well: one field per line, one step per line. Parses back to the same script. */
export function scriptJson(script: LockScript): string {
  const inline = (value: unknown): string => JSON.stringify(value).replace(/([,:])(?=["{[\d-])/g, '$1 ');
  const steps = script.steps.map((step) => `    ${inline(step).replace(/^\{/, '{ ').replace(/\}$/, ' }')}`);
  return [
    '{',
    `  "journal": ${JSON.stringify(script.journal)},`,
    `  "connections": ${script.connections},`,
    `  "keys": ${inline(script.keys)},`,
    steps.length === 0 ? '  "steps": []' : `  "steps": [\n${steps.join(',\n')}\n  ]`,
    '}',
  ].join('\n');
}
