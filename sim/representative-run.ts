/**
 * The run a trace shows for a variant that holds (the docs pages and the trace viewer): the shortest schedule,
 * breadth first over distinct worlds, into a world where the scenario's dangerous window is open (its `notable`
 * tags), then the lowest enabled actor until the run ends. A pass that never met the race shows nothing, so
 * this is the run to step through. Without a window in reach: the run of the lowest enabled actor throughout.
 * A pure function of the model (same model, same run).
 */
import type { ScenarioModel, WorldKey } from '../spec/scenario-model.js';
import type { Property } from '../properties/property.js';
import { completeSchedule } from './run-schedule.js';
import type { ScheduleRun } from './verdict.js';

/** Worlds visited before giving up on finding a window (the run is then the lowest-actor one). */
export const REPRESENTATIVE_SEARCH_LIMIT = 200_000;

export function representativeRun<W, O>(model: ScenarioModel<W, O>, properties: readonly Property<O>[]): ScheduleRun {
  const seen = new Set<WorldKey>([model.key(model.initial)]);
  let frontier: { world: W; schedule: number[] }[] = [{ world: model.initial, schedule: [] }];
  while (frontier.length > 0 && seen.size < REPRESENTATIVE_SEARCH_LIMIT) {
    const next: typeof frontier = [];
    for (const { world, schedule } of frontier) {
      if ((model.notable?.(world) ?? []).length > 0) return completeSchedule(model, properties, schedule);
      for (const actor of model.enabled(world)) {
        const after = model.step(world, actor).world;
        const key = model.key(after);
        if (seen.has(key)) continue;
        seen.add(key);
        next.push({ world: after, schedule: [...schedule, actor] });
      }
    }
    frontier = next;
  }
  return completeSchedule(model, properties, []);
}
