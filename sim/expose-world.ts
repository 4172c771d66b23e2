/**
 * The world of a model as a format-2 trace shows it (its `expose`, or, for a model without one, each actor's
 * `describe` word and whether it has finished). Free of node: the trace viewer runs it in the browser.
 */
import type { ExposedWorld, ScenarioModel } from '../spec/scenario-model.js';

function fallbackExpose<W, O>(model: ScenarioModel<W, O>, world: W): ExposedWorld {
  const enabled = new Set(model.enabled(world));
  return {
    actors: Object.fromEntries(
      model.actors.map((name, a) => [name, { state: model.describe(world, a), status: model.finished(world, a) ? 'done' : enabled.has(a) ? 'running' : 'blocked' }]),
    ),
  };
}

export function exposeWorld<W, O>(model: ScenarioModel<W, O>, world: W): ExposedWorld {
  return model.expose !== undefined ? model.expose(world) : fallbackExpose(model, world);
}

/** The exposed world before the first step and after each step of `schedule` on the model. */
export function modelStates<W, O>(model: ScenarioModel<W, O>, schedule: readonly number[]): { initial: ExposedWorld; states: ExposedWorld[] } {
  let world = model.initial;
  const initial = exposeWorld(model, world);
  const states = schedule.map((actor) => {
    world = model.step(world, actor).world;
    return exposeWorld(model, world);
  });
  return { initial, states };
}
