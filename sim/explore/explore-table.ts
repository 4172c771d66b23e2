/**
 * The failing run as text: one row per step with its actor, statement and outcome, then the lock each
 * connection holds after the step by the lock model beside ('-' for none; SHARED, RESERVED, PENDING,
 * EXCLUSIVE in rollback mode; snapshot, WRITE in WAL mode).
 */
import type { StepRecord } from '../../spec/scenario-model.js';

export function exploreTable(steps: readonly StepRecord[], locks: readonly (readonly string[])[], connections: readonly string[]): string {
  const header = ['#', 'actor', 'step', 'outcome', ...connections];
  const rows = steps.map((step, i) => [String(i + 1), step.actor, step.action, step.outcome, ...connections.map((_, c) => locks[i]?.[c] ?? '-')]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
