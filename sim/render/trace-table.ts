/**
 * A trace as a text table: one row per step, one column per actor (the statement and what came of it), and a
 * last column with the lock every connection (and every actor that takes a lock of its own) holds after the step.
 * Everything comes from the format-2 trace itself: no model is run.
 */
import type { TraceV2 } from '../trace.js';
import { lockHolders, lockWord } from './trace-locks.js';

const pad = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - text.length));

/** The lock column is left out when the trace shows no locks. */
export function renderTable(trace: TraceV2): string {
  const { actors } = trace;
  const holders = lockHolders(trace);
  const showLocks = holders.length > 0;
  const rows = trace.steps.map((step, index) => ({ step: index + 1, actor: actors.indexOf(step.actor), step_: step }));
  const cells = rows.map((row) => actors.map((_, a) => (a === row.actor ? `${row.step_.action} -> ${row.step_.outcome}` : '')));
  const lockCells = rows.map((row) => holders.map((h) => lockWord(row.step_.state, h)).join(' '));
  const header = ['#', ...actors, ...(showLocks ? [`locks after (${holders.map((h) => h.name).join(' ')})`] : [])];
  const widths = header.map((h, c) => {
    const column = c === 0 ? rows.map((r) => String(r.step)) : c <= actors.length ? cells.map((r) => r[c - 1]!) : lockCells;
    return Math.max(h.length, ...column.map((x) => x.length));
  });
  const line = (values: readonly string[]): string => values.map((v, c) => pad(v, widths[c]!)).join(' | ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-|-')];
  rows.forEach((row, r) => out.push(line([String(row.step), ...cells[r]!, ...(showLocks ? [lockCells[r]!] : [])])));
  return out.join('\n');
}
