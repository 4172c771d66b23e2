/** Text rendering of check results, and the command line that reproduces a check. */
import type { CheckResult } from '../check.js';
import type { ScenarioBinding } from '../scenario-binding.js';
import { renderTable } from '../render/trace-table.js';
import { renderMermaid } from '../render/trace-mermaid.js';
import { checkCommandLine } from '../reproduce-command.js';

export { checkCommandLine };

export function renderCheck(result: CheckResult, binding: ScenarioBinding<never, never>, elapsedMs: number, traceFile: string | null): string {
  const lines: string[] = [];
  const params = Object.entries(result.params).map(([k, v]) => `${k}=${String(v)}`).join(' ');
  lines.push(`${result.scenario}/${result.variant} on ${result.engine}, strategy ${result.strategy} (${params})`);
  const e = result.explored;
  if (result.strategy === 'exhaustive') {
    const where = result.engine === 'real' ? `; replayed ${e.schedules} schedules on the real engine covering all ${e.transitions} transitions` : `, ${e.schedules} distinct end worlds`;
    lines.push(`explored ${e.states} distinct worlds, ${e.transitions} transitions${where} in ${elapsedMs.toFixed(0)} ms`);
  } else {
    lines.push(`tried ${e.schedules} schedules (seed ${result.seed})${e.shrinks ? `, ${e.shrinks} shrink steps` : ''} in ${elapsedMs.toFixed(0)} ms`);
  }
  const windows = Object.entries(result.notable);
  const unit = result.engine === 'real' ? 'replayed schedules (every step agreeing with the model)' : result.strategy === 'exhaustive' ? 'explored worlds' : 'schedules';
  lines.push(windows.length === 0 ? 'dangerous window: never reached' : windows.map(([tag, n]) => `dangerous window ${tag}: reached in ${n} ${unit}`).join('\n'));
  if (result.mismatch !== null) {
    const m = result.mismatch;
    lines.push(`DISAGREEMENT with the model at step ${m.index + 1} of schedule [${m.schedule.join(',')}]:`);
    lines.push(`  model: ${m.model === null ? '(no step)' : `${m.model.actor} ${m.model.action} -> ${m.model.outcome}`}`);
    lines.push(`  real:  ${m.real === null ? '(no step)' : `${m.real.actor} ${m.real.action} -> ${m.real.outcome}`}`);
  } else if (result.engine === 'real') {
    lines.push('every step of every replayed schedule agreed with the model');
  }
  switch (result.verdict) {
    case 'holds':
      lines.push(`verdict: HOLDS (${binding.properties.map((p) => p.name).join(', ')}, no-deadlock)`);
      if (windows.length === 0) lines.push('warning: no dangerous window was reached, so this pass shows nothing about the race (check --all counts it as a failure)');
      break;
    case 'limit-reached':
      lines.push(`verdict: LIMIT REACHED, nothing proven: ${result.limit ?? ''}`);
      break;
    case 'violation': {
      lines.push(`verdict: VIOLATION of ${result.property}: ${result.message}`);
      const trace = result.counterexample;
      if (trace !== null) {
        const label = result.strategy === 'exhaustive' ? 'shortest counterexample' : 'counterexample';
        lines.push(`${label} (${trace.steps.length} steps, schedule [${trace.schedule.join(',')}]):`);
        lines.push(renderTable(trace));
      }
      break;
    }
  }
  if (result.verdict !== 'holds' || result.mismatch !== null) {
    lines.push(`reproduce: ${checkCommandLine(result, binding)}`);
    if (traceFile !== null) lines.push(`replay:    lockstep replay ${traceFile} --engine ${result.engine === 'sim' ? 'real' : 'sim'}`);
  }
  return lines.join('\n');
}

/**
 * `check --mermaid`: the counterexample as a Mermaid sequence diagram; when there is none, a Mermaid comment
 * saying why, so the output is still a valid diagram source.
 */
export function renderCheckMermaid(result: CheckResult, binding: ScenarioBinding<never, never>): string {
  const trace = result.counterexample;
  if (trace === null) return `%% ${result.scenario}/${result.variant} on ${result.engine}: ${result.verdict}, no counterexample to draw`;
  return [`%% ${result.scenario}/${result.variant} on ${result.engine}: ${trace.steps.length} steps, schedule [${trace.schedule.join(',')}]`, renderMermaid(trace)].join('\n');
}
