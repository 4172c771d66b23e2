/**
 * The trace to show for a check (the viewer of `check --html`, the docs pages): its counterexample, or, when the
 * properties held, the representative run (representative-run.ts: the shortest way into the dangerous window,
 * then to the end), on the engine of the check: on the real engine that schedule replayed on the real code.
 */
import type { Property } from '../properties/property.js';
import type { CheckResult } from './check.js';
import { replayOnReal } from './real-replay.js';
import { representativeRun } from './representative-run.js';
import { checkCommandLine } from './reproduce-command.js';
import type { ScenarioBinding } from './scenario-binding.js';
import { modelTrace, realTrace } from './trace-builder.js';
import type { TraceV2 } from './trace.js';

export async function shownTrace(binding: ScenarioBinding<never, never>, result: CheckResult): Promise<TraceV2> {
  if (result.counterexample !== null) return result.counterexample;
  const model = binding.model(result.variant, result.params);
  const run = representativeRun(model, binding.properties);
  const header = { scenario: result.scenario, variant: result.variant, params: result.params, reproduce: checkCommandLine(result, binding), properties: binding.properties as readonly Property<never>[] };
  if (result.engine === 'sim') return modelTrace(model, header, run);
  const real = await replayOnReal(() => binding.openReal(result.variant, result.params), binding.properties, run.schedule, run.steps, run.violation === null);
  return realTrace(header, { actors: model.actors, shared: model.sharedName ?? 'shared state', schedule: run.schedule, steps: real.steps, initial: real.initial, states: real.states, violation: real.violation, expected: run.steps });
}
