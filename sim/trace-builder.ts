/**
 * Format-2 traces (sim/trace.ts, docs/formats.md) from the runs the engines make. The producer is the only
 * place that knows the model: it steps the model through the run's schedule once more (the model is pure) to
 * record the world after every step, or, for the real engine, takes what the real run exposed after every step.
 * Renderers and the trace viewer then read the state from the trace alone.
 */
import type { ExposedWorld, ScenarioModel, StepRecord } from '../spec/scenario-model.js';

export { exposeWorld, modelStates } from './expose-world.js';
import type { Property } from '../properties/property.js';
import { modelStates } from './expose-world.js';
import { toolInfo } from './tool-info.js';
import type { EngineName, ScenarioParams, TraceStepV2, TraceV2 } from './trace.js';
import type { Verdict, Violation } from './verdict.js';
import { NO_DEADLOCK } from './verdict.js';

/** The claim of the built-in liveness property, as traces list it beside the scenario's own. */
export const NO_DEADLOCK_CLAIM = 'When no actor can step, every actor has finished: nobody is blocked forever.';

/** What a trace says about the run apart from its steps. */
export interface TraceHeader {
  readonly scenario: string;
  readonly variant: string;
  readonly params: ScenarioParams;
  readonly reproduce: string;
  readonly properties: readonly Property<never>[];
}

function propertiesOf(properties: readonly Property<never>[]): TraceV2['properties'] {
  return [
    ...properties.map((p) => ({ name: p.name, kind: p.kind, claim: p.claim })),
    { name: NO_DEADLOCK, kind: 'outcome' as const, claim: NO_DEADLOCK_CLAIM },
  ];
}

/** A violation breaks at the last step taken: a safety property in the first world that broke it, an outcome at the end. */
const brokeAtOf = (violation: Violation | null, steps: number): number | null => (violation === null ? null : steps - 1);

interface TraceBody {
  readonly engine: EngineName;
  readonly actors: readonly string[];
  readonly shared: string;
  readonly initial: ExposedWorld;
  readonly schedule: readonly number[];
  readonly steps: readonly TraceStepV2[];
  readonly violation: Violation | null;
  readonly verdict?: Verdict;
}

function assemble(header: TraceHeader, body: TraceBody): TraceV2 {
  return {
    lockstep: 2,
    tool: toolInfo(),
    reproduce: header.reproduce,
    scenario: header.scenario,
    variant: header.variant,
    engine: body.engine,
    params: header.params,
    actors: [...body.actors],
    shared: body.shared,
    properties: propertiesOf(header.properties),
    initial: body.initial,
    schedule: [...body.schedule],
    steps: body.steps,
    verdict: body.verdict ?? (body.violation === null ? 'holds' : 'violation'),
    property: body.violation?.property ?? null,
    message: body.violation?.message ?? null,
    brokeAt: brokeAtOf(body.violation, body.steps.length),
  };
}

/** A trace of a run on the model (the sim engine). */
export function modelTrace<W, O>(
  model: ScenarioModel<W, O>,
  header: TraceHeader,
  run: { readonly schedule: readonly number[]; readonly steps: readonly StepRecord[]; readonly violation: Violation | null },
): TraceV2 {
  const { initial, states } = modelStates(model, run.schedule.slice(0, run.steps.length));
  return assemble(header, {
    engine: 'sim',
    actors: model.actors,
    shared: model.sharedName ?? 'shared state',
    initial,
    schedule: run.schedule,
    steps: run.steps.map((record, i) => ({ ...record, state: states[i]! })),
    violation: run.violation,
  });
}

/**
 * A trace of a run on the real engine: each step's state is what the real run exposed after it (an actor list
 * alone when the real run exposes nothing), and where the model's record of the same step differs it is kept
 * beside the real one.
 */
export function realTrace(
  header: TraceHeader,
  run: {
    readonly actors: readonly string[];
    readonly shared: string;
    readonly schedule: readonly number[];
    readonly steps: readonly StepRecord[];
    readonly initial: ExposedWorld;
    readonly states: readonly ExposedWorld[];
    readonly violation: Violation | null;
    /** The model's records of the same schedule, when the run was compared with it. */
    readonly expected: readonly StepRecord[] | null;
  },
): TraceV2 {
  const steps = run.steps.map((record, i): TraceStepV2 => {
    const want = run.expected?.[i];
    const differs = want !== undefined && (want.actor !== record.actor || want.action !== record.action || want.outcome !== record.outcome);
    const plain: StepRecord = { actor: record.actor, action: record.action, outcome: record.outcome };
    return { ...plain, state: run.states[i]!, ...(differs ? { model: { actor: want.actor, action: want.action, outcome: want.outcome } } : {}) };
  });
  return assemble(header, { engine: 'real', actors: run.actors, shared: run.shared, initial: run.initial, schedule: run.schedule.slice(0, steps.length), steps, violation: run.violation });
}
