/**
 * The failing run as text: one row per step with its actor, statement and outcome, then the lock each
 * connection holds after the step by the lock model beside ('-' for none; SHARED, RESERVED, PENDING,
 * EXCLUSIVE in rollback mode; snapshot, WRITE in WAL mode). With `times`, a `time` column after the step number
 * shows the virtual time after each step (h:mm:ss since the run started).
 */
import { formatClock } from '../../impl/runtime/clock-plan.js';
import type { StepRecord } from '../../spec/scenario-model.js';

export function exploreTable(steps: readonly StepRecord[], locks: readonly (readonly string[])[], connections: readonly string[], times: readonly number[] | null = null): string {
  const time = (i: number): string[] => (times === null ? [] : [formatClock(times[i] ?? 0)]);
  const header = ['#', ...(times === null ? [] : ['time']), 'actor', 'step', 'outcome', ...connections];
  const rows = steps.map((step, i) => [String(i + 1), ...time(i), step.actor, step.action, step.outcome, ...connections.map((_, c) => locks[i]?.[c] ?? '-')]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
