/**
 * A trace as a Mermaid sequence diagram (https://mermaid.js.org/syntax/sequenceDiagram.html), for the docs
 * pages and for pasting into an issue. One participant per actor plus one for what they share (the trace's
 * `shared`: SQLite, the file system, memory); each step is one message from its actor, `action → outcome`,
 * numbered by Mermaid (`autonumber`) so that the numbers are the step numbers of the text table. A step whose
 * actor was refused (an SQLite error, a timeout, a miss) is a crossed arrow. Each change of a lock is one note, over the actor whose connection (or own
 * lock) it is, in SQLite's words. The step where the property broke sits in a `critical` block that names the
 * property; the last note is the verdict.
 *
 * A pure function of the format-2 trace: no model is run, so a page that embeds it cannot drift from what the
 * tool prints, and a trace renders without this version of the model.
 */
import type { TraceV2 } from '../trace.js';
import { lockHolders, lockWord } from './trace-locks.js';

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

const SHARED_ID = 'shared_';

/** A safety property breaks in the world after the step; an outcome property (or no-deadlock) is judged when the run ends there. */
function breakLabel(trace: TraceV2): string {
  const name = trace.property ?? 'the property';
  const kind = trace.properties.find((p) => p.name === trace.property)?.kind;
  return kind === 'safety' ? `${name} breaks at this step` : `the run ends here with ${name} broken`;
}

export function renderMermaid(trace: TraceV2): string {
  const lines = ['sequenceDiagram', '  autonumber'];
  for (const actor of trace.actors) lines.push(`  participant ${idOf(actor)} as ${actor}`);
  lines.push(`  participant ${SHARED_ID} as ${trace.shared}`);
  const holders = lockHolders(trace);
  let before = trace.initial;
  trace.steps.forEach((step, index) => {
    const who = idOf(step.actor);
    const breaks = index === trace.brokeAt;
    const indent = breaks ? '    ' : '  ';
    if (breaks) lines.push(`  critical ${escapeText(breakLabel(trace))}`);
    lines.push(`${indent}${who}${isRefusal(step.outcome) ? '-x' : '->>'}${SHARED_ID}: ${escapeText(`${step.action} → ${step.outcome}`)}`);
    for (const holder of holders) {
      const was = lockWord(before, holder);
      const now = lockWord(step.state, holder);
      if (was === now) continue;
      // A connection named after an actor is that actor's; any other (a pooled connection) belongs to what they share.
      const over = holder.kind === 'actor' || trace.actors.includes(holder.name) ? idOf(holder.name) : SHARED_ID;
      const owner = over === SHARED_ID ? `${holder.name}: ` : '';
      lines.push(`${indent}Note over ${over}: ${escapeText(`${owner}${was === '-' ? 'no lock' : was} → ${now === '-' ? 'no lock' : now}`)}`);
    }
    if (breaks) lines.push('  end');
    before = step.state;
  });
  const first = idOf(trace.actors[0]!);
  const verdict = trace.verdict === 'violation' ? `VIOLATION of ${trace.property ?? ''}: ${trace.message ?? ''}` : trace.verdict.toUpperCase();
  lines.push(`  Note over ${first},${SHARED_ID}: ${escapeText(verdict)}`);
  return lines.join('\n');
}
