/**
 * `lockstep replay TRACE [--engine sim|real] [--json]`: runs a saved trace's schedule again on either engine
 * and judges it. Exit 1 when the replay breaks a property, or when its steps differ from the saved ones (on
 * the real engine: from the model's); 0 when it holds and agrees; 2 on a bad trace file.
 */
import { replayOnReal } from '../../real-replay.js';
import { replaySchedule, ScheduleError } from '../../run-schedule.js';
import { findBinding } from '../../scenarios/index.js';
import type { EngineName } from '../../trace.js';
import { parseTrace, TraceError } from '../../trace.js';
import { renderTable } from '../../render/trace-table.js';
import { modelTrace, realTrace } from '../../trace-builder.js';
import type { TraceHeader } from '../../trace-builder.js';
import type { Property } from '../../../properties/property.js';
import { UsageError } from '../usage-error.js';
import { readInputFile } from '../input-file.js';
import { defineCommand } from '../options/command.js';
import { choice } from '../options/option.js';
import { jsonOption } from '../options/shared-options.js';
import { printJson } from '../json-envelope.js';
import type { ScenarioModel } from '../../../spec/scenario-model.js';

export const replayCommand = defineCommand({
  name: 'replay',
  summary: 'run a saved trace again on either engine and judge it (a trace saved on one engine replays on the other)',
  positionals: { name: 'TRACE', describe: 'a trace JSON file written by check --trace-out, or - for stdin', min: 1, max: 1 },
  options: {
    engine: choice('the engine to replay on (default: the engine that saved the trace)', ['sim', 'real'] as const),
    json: jsonOption,
  },
  notes: ['exit 0 when the replay holds and has the saved steps and verdict, 1 when it breaks a property or differs from the saved trace (on real: from the model)'],
  examples: ['lockstep check tickets --variant deferred --trace-out t.json; lockstep replay t.json --engine real'],
  async run({ positionals, values }) {
    const file = positionals[0]!;
    // How messages name the trace: its path, or stdin for -.
    const source = file === '-' ? 'stdin' : file;
    const text = readInputFile(file, 'TRACE', 'a trace JSON file written by check --trace-out');
    let trace;
    try {
      trace = parseTrace(text);
    } catch (error) {
      if (error instanceof TraceError) throw new UsageError(`${source}: ${error.message}`);
      throw error;
    }
    const binding = findBinding(trace.scenario);
    if (binding === undefined) throw new UsageError(`${source}: unknown scenario '${trace.scenario}'`);
    if (!binding.entry.variants.some((v) => v.name === trace.variant)) throw new UsageError(`${source}: unknown variant '${trace.variant}' of ${trace.scenario}`);
    const engine: EngineName = values.engine ?? trace.engine;
    // The trace's parameters go through the same checks as the command line's: a hand-edited trace is input.
    const params: Record<string, string | number> = {};
    for (const key of Object.keys(trace.params)) {
      if (!binding.params.some((p) => p.name === key)) throw new UsageError(`${source}: unknown parameter '${key}' of ${trace.scenario} (expected ${binding.params.map((p) => p.name).join(', ')})`);
    }
    for (const spec of binding.params) {
      const value = trace.params[spec.name];
      if (value === undefined) {
        params[spec.name] = spec.default;
        continue;
      }
      if (typeof value !== typeof spec.default) throw new UsageError(`${source}: parameter '${spec.name}' must be a ${typeof spec.default}, got ${JSON.stringify(value)}`);
      try {
        params[spec.name] = spec.parse(String(value));
      } catch (error) {
        throw new UsageError(`${source}: parameter ${(error as Error).message}`);
      }
    }
    let model;
    try {
      model = binding.model(trace.variant, params);
    } catch (error) {
      throw new UsageError(`${source}: ${(error as Error).message}`);
    }
    if (trace.schedule.some((a) => a >= model.actors.length)) throw new UsageError(`${source}: the schedule names an actor the scenario does not have (it has ${model.actors.length})`);
    let modelRun;
    try {
      modelRun = replaySchedule(model, binding.properties, trace.schedule);
    } catch (error) {
      if (error instanceof ScheduleError) throw new UsageError(`${source}: ${error.message}`);
      throw error;
    }
    // A trace runs to the end of the run or stops at a violation; anything else judges nothing (or ignores steps).
    // Where the model's run stopped, and who could still step there (one replay of the schedule, used thrice).
    const stillEnabled = model.enabled(replayWorld(model, modelRun.schedule));
    const ranOut = stillEnabled.length === 0;
    if (modelRun.schedule.length < trace.schedule.length && (modelRun.violation === null || ranOut)) {
      throw new UsageError(`${source}: the run ends after ${modelRun.schedule.length} steps, but the schedule has ${trace.schedule.length}`);
    }
    const endsRun = modelRun.schedule.length === trace.schedule.length && ranOut;
    if (modelRun.violation === null && !endsRun) {
      const open = stillEnabled.map((a) => model.actors[a]);
      throw new UsageError(`${source}: the schedule stops after ${trace.schedule.length} steps while ${open.join(', ')} can still step: a trace runs to the end or to a violation`);
    }
    const run =
      engine === 'sim'
        ? { steps: modelRun.steps, violation: modelRun.violation, mismatch: null }
        : await replayOnReal(() => binding.openReal(trace.variant, params), binding.properties, trace.schedule, modelRun.steps, endsRun);
    // The replayed run as a format-2 trace: the table below reads its states from it.
    const header: TraceHeader = {
      scenario: trace.scenario,
      variant: trace.variant,
      params,
      reproduce: `lockstep replay ${file} --engine ${engine}`,
      properties: binding.properties as readonly Property<never>[],
    };
    const replayed =
      'initial' in run
        ? realTrace(header, { actors: model.actors, shared: model.sharedName ?? 'shared state', schedule: trace.schedule, steps: run.steps, initial: run.initial, states: run.states, violation: run.violation, expected: modelRun.steps })
        : modelTrace(model, header, modelRun);
    const differsFromSaved = firstDifference(trace.steps, run.steps);
    const verdict = run.violation === null ? 'holds' : 'violation';
    const result = {
      scenario: trace.scenario,
      variant: trace.variant,
      engine,
      params,
      schedule: trace.schedule,
      steps: run.steps,
      verdict,
      property: run.violation?.property ?? null,
      message: run.violation?.message ?? null,
      savedVerdict: trace.verdict,
      sameAsSaved: differsFromSaved === null && verdict === trace.verdict,
      mismatch: run.mismatch,
    };
    if (values.json) {
      printJson('replay', result);
    } else {
      process.stdout.write(`replay of ${file} (${trace.scenario}/${trace.variant}, saved on ${trace.engine}) on ${engine}\n`);
      process.stdout.write(`${renderTable(replayed)}\n`);
      process.stdout.write(verdict === 'holds' ? 'verdict: HOLDS\n' : `verdict: VIOLATION of ${result.property}: ${result.message}\n`);
      if (run.mismatch !== null) process.stdout.write(`DISAGREEMENT with the model at step ${run.mismatch.index + 1}\n`);
      process.stdout.write(result.sameAsSaved ? 'same steps and verdict as the saved trace\n' : `differs from the saved trace${differsFromSaved === null ? ' in its verdict' : ` at step ${differsFromSaved + 1}`}\n`);
    }
    return verdict === 'holds' && result.sameAsSaved && run.mismatch === null ? 0 : 1;
  },
});

function replayWorld<W, O>(model: ScenarioModel<W, O>, schedule: readonly number[]): W {
  let world = model.initial;
  for (const actor of schedule) world = model.step(world, actor).world;
  return world;
}

function firstDifference(saved: readonly { actor: string; action: string; outcome: string }[], got: readonly { actor: string; action: string; outcome: string }[]): number | null {
  const length = Math.max(saved.length, got.length);
  for (let i = 0; i < length; i++) {
    const a = saved[i];
    const b = got[i];
    if (a === undefined || b === undefined || a.actor !== b.actor || a.action !== b.action || a.outcome !== b.outcome) return i;
  }
  return null;
}
