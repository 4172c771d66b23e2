// Every complete schedule of a (small) model, by depth-first enumeration: used to hold a real engine to its
// model on all interleavings, not just the covering ones.
import type { ScenarioModel } from '../../spec/scenario-model.js';

export function everySchedule<W, O>(model: ScenarioModel<W, O>, limit = 10_000): number[][] {
  const schedules: number[][] = [];
  const walk = (world: W, prefix: number[]): void => {
    if (schedules.length >= limit) throw new Error(`more than ${limit} schedules: pick a smaller model`);
    const enabled = model.enabled(world);
    if (enabled.length === 0) {
      schedules.push(prefix);
      return;
    }
    for (const actor of enabled) walk(model.step(world, actor).world, [...prefix, actor]);
  };
  walk(model.initial, []);
  return schedules;
}

/** The model's step records and observation along a schedule. */
export function modelRun<W, O>(model: ScenarioModel<W, O>, schedule: readonly number[]) {
  let world = model.initial;
  const records = schedule.map((actor) => {
    const next = model.step(world, actor);
    world = next.world;
    return next.record;
  });
  return { records, observation: model.observe(world) };
}
