/**
 * A trace as a text table: one row per step, one column per actor (the statement and what came of it), and a
 * last column with the lock each connection holds after the step. The locks are recomputed by replaying the
 * schedule on the model, which is pure, so the table is a function of the trace.
 */
import type { ScenarioModel, StepRecord } from '../../spec/scenario-model.js';

export interface TableRow {
  readonly step: number;
  readonly actor: number;
  readonly record: StepRecord;
  /** Per actor, the lock held after this step. */
  readonly locks: readonly string[];
}

/** Steps the model through the schedule and collects, after each step, the lock every actor holds. */
export function tableRows<W, O>(model: ScenarioModel<W, O>, schedule: readonly number[], steps: readonly StepRecord[]): TableRow[] {
  let world = model.initial;
  const rows: TableRow[] = [];
  schedule.forEach((actor, index) => {
    if (index >= steps.length) return;
    world = model.step(world, actor).world;
    const locks = model.actors.map((_, a) => model.lockHeld?.(world, a) ?? '');
    rows.push({ step: index + 1, actor, record: steps[index]!, locks });
  });
  return rows;
}

const pad = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - text.length));

/** The locks column is left out when the model shows no lock at all (a scenario without a lockHeld). */
export function renderTable(actors: readonly string[], rows: readonly TableRow[]): string {
  const cells = rows.map((row) => actors.map((_, a) => (a === row.actor ? `${row.record.action} -> ${row.record.outcome}` : '')));
  const showLocks = rows.some((row) => row.locks.some((lock) => lock !== ''));
  if (!showLocks) return renderColumns(['#', ...actors], rows.map((row, r) => [String(row.step), ...cells[r]!]));
  const lockCells = rows.map((row) => row.locks.join(' '));
  const header = ['#', ...actors, `locks after (${actors.join(' ')})`];
  const widths = header.map((h, c) => {
    const column = c === 0 ? rows.map((r) => String(r.step)) : c <= actors.length ? cells.map((r) => r[c - 1]!) : lockCells;
    return Math.max(h.length, ...column.map((x) => x.length));
  });
  const line = (values: readonly string[]): string => values.map((v, c) => pad(v, widths[c]!)).join(' | ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-|-')];
  rows.forEach((row, r) => out.push(line([String(row.step), ...cells[r]!, lockCells[r]!])));
  return out.join('\n');
}

function renderColumns(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (values: readonly string[]): string => values.map((v, c) => pad(v, widths[c]!)).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map((r) => line(r))].join('\n');
}
