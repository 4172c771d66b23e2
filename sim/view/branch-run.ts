/**
 * "Branch here" in the trace viewer: the model of a trace's scenario, running in the page, followed through the
 * trace's schedule up to a step and then driven by the reader's choices, judged by the same properties as it
 * goes (safety after every step; the outcome properties and no-deadlock when nobody can step). Pure and free of
 * node and of the DOM, so it runs in the browser and in tests alike.
 */
import type { ExposedWorld, ScenarioModel } from '../../spec/scenario-model.js';
import type { Property } from '../../properties/property.js';
import type { ScenarioDefinition } from '../scenario-binding.js';
import { exposeWorld } from '../expose-world.js';
import { checkEnd, checkSafety } from '../judge.js';
import type { ScenarioParams, TraceStepV2 } from '../trace.js';
import type { Violation } from '../verdict.js';

/** A run of the model in the page: where it stands, the steps it took, and what the properties say so far. */
export interface BranchState<W> {
  /** The number of the trace's steps the branch follows before the reader's own choices. */
  readonly from: number;
  readonly world: W;
  readonly schedule: readonly number[];
  readonly steps: readonly TraceStepV2[];
  readonly initial: ExposedWorld;
  /** The first property broken, and after which step (0-based); null while everything holds. */
  readonly violation: (Violation & { readonly at: number }) | null;
  /** Nobody can step any more (the run ended, judged by its outcome properties). */
  readonly ended: boolean;
  /** The actors that can step now (none once ended or broken). */
  readonly enabled: readonly number[];
}

export class BranchError extends Error {
  override readonly name = 'BranchError';
}

export interface Brancher<W> {
  readonly model: ScenarioModel<W, unknown>;
  /** The model followed through the first `from` entries of `schedule`. */
  start(schedule: readonly number[], from: number): BranchState<W>;
  /** One step of an enabled actor. */
  step(state: BranchState<W>, actor: number): BranchState<W>;
}

export function brancherFor(definition: ScenarioDefinition<never, never>, variant: string, params: ScenarioParams): Brancher<unknown> {
  const model = definition.model(variant, params) as unknown as ScenarioModel<unknown, unknown>;
  const properties = definition.properties as unknown as readonly Property<unknown>[];

  function settle(world: unknown, steps: TraceStepV2[], schedule: number[], from: number, initial: ExposedWorld, violation: BranchState<unknown>['violation']): BranchState<unknown> {
    const enabled = violation === null ? model.enabled(world) : [];
    let judged = violation;
    if (judged === null && enabled.length === 0) {
      const end = checkEnd(model, properties, world);
      judged = end === null ? null : { ...end, at: steps.length - 1 };
    }
    return { from, world, schedule, steps, initial, violation: judged, ended: enabled.length === 0, enabled: judged === null ? enabled : [] };
  }

  function advance(world: unknown, actor: number): { world: unknown; step: TraceStepV2; broken: Violation | null } {
    const next = model.step(world, actor);
    return { world: next.world, step: { ...next.record, state: exposeWorld(model, next.world) }, broken: checkSafety(properties, model.observe(next.world)) };
  }

  return {
    model,
    start(schedule, from) {
      let world = model.initial;
      const initial = exposeWorld(model, world);
      const steps: TraceStepV2[] = [];
      let violation: BranchState<unknown>['violation'] = null;
      for (let i = 0; i < from; i++) {
        const actor = schedule[i]!;
        if (violation !== null || !model.enabled(world).includes(actor)) {
          throw new BranchError(`the model cannot follow this trace to step ${from}: at step ${i + 1}, ${model.actors[actor] ?? `actor ${actor}`} cannot step`);
        }
        const taken = advance(world, actor);
        world = taken.world;
        steps.push(taken.step);
        if (taken.broken !== null) violation = { ...taken.broken, at: i };
      }
      return settle(world, steps, schedule.slice(0, from), from, initial, violation);
    },
    step(state, actor) {
      if (!state.enabled.includes(actor)) throw new BranchError(`${model.actors[actor] ?? `actor ${actor}`} cannot step here`);
      const taken = advance(state.world, actor);
      const steps = [...state.steps, taken.step];
      return settle(taken.world, steps, [...state.schedule, actor], state.from, state.initial, taken.broken === null ? null : { ...taken.broken, at: steps.length - 1 });
    },
  };
}
