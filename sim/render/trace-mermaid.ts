/**
 * A trace as a Mermaid sequence diagram (https://mermaid.js.org/syntax/sequenceDiagram.html), for the docs
 * pages and for pasting into an issue. One participant per actor plus one for what they share (the model's
 * `sharedName`: the database, the file system, memory); each step is a request from its actor and the answer it got.
 * A step whose actor was refused (an SQLite error or a timeout) is answered with a crossed arrow. When the
 * model reports locks, a note shows them after every step that changed them. The last note is the verdict.
 *
 * Pure function of the trace and the model (the locks are recomputed by replaying the schedule, as the text
 * table does), so a page that embeds it cannot drift from what the tool prints.
 */
import type { ScenarioModel } from '../../spec/scenario-model.js';
import type { Trace } from '../trace.js';
import { tableRows } from './trace-table.js';

/** Mermaid reads `;` and `#` specially inside messages; its entity codes keep the text as it was. */
function escapeText(text: string): string {
  return text.replace(/#/g, '#35;').replace(/;/g, '#59;');
}

/** A participant id Mermaid accepts (letters, digits, underscore); the name is shown through `as`. */
const idOf = (name: string): string => name.replace(/[^A-Za-z0-9_]/g, '_');

/** Outcomes that mean the step was refused or went wrong for its actor: an SQLite error, a timeout, a miss. */
export function isRefusal(outcome: string): boolean {
  return /SQLITE_|timed out|not found|\berror\b/i.test(outcome);
}

export function renderMermaid<W, O>(model: ScenarioModel<W, O>, trace: Trace): string {
  const shared = model.sharedName ?? 'shared state';
  const sharedId = 'shared_';
  const rows = tableRows(model, trace.schedule.slice(0, trace.steps.length), trace.steps);
  const lines = ['sequenceDiagram'];
  for (const actor of model.actors) lines.push(`  participant ${idOf(actor)} as ${actor}`);
  lines.push(`  participant ${sharedId} as ${shared}`);
  let lastLocks = model.actors.map(() => '-').join(' ');
  for (const row of rows) {
    const who = idOf(model.actors[row.actor]!);
    lines.push(`  ${who}->>${sharedId}: ${row.step}. ${escapeText(row.record.action)}`);
    lines.push(`  ${sharedId}-${isRefusal(row.record.outcome) ? '-x' : '->>'}${who}: ${escapeText(row.record.outcome)}`);
    if (model.lockHeld !== undefined) {
      const locks = row.locks.map((l) => l || '-').join(' ');
      if (locks !== lastLocks) lines.push(`  Note over ${sharedId}: locks ${escapeText(locks)}`);
      lastLocks = locks;
    }
  }
  const first = idOf(model.actors[0]!);
  const verdict = trace.verdict === 'violation' ? `VIOLATION of ${trace.property ?? ''}: ${trace.message ?? ''}` : trace.verdict.toUpperCase();
  lines.push(`  Note over ${first},${sharedId}: ${escapeText(verdict)}`);
  return lines.join('\n');
}
