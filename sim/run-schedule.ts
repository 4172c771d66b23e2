/**
 * Runs one schedule on the model and judges it. A schedule entry is an actor index; `replaySchedule` takes
 * them as they are (a saved trace), `runChoices` reads each entry as a choice among the actors enabled at
 * that moment (what a random strategy generates) and, when the choices run out, lets the lowest enabled
 * actor go on until nobody can step, so every run ends.
 */
import type { ScenarioModel, StepRecord } from '../spec/scenario-model.js';
import type { Property } from '../properties/property.js';
import { checkEnd, checkSafety } from './judge.js';
import type { ScheduleRun, Violation } from './verdict.js';

/** Hard stop for a run that never ends (a livelock in a model): reported, never silently cut. */
export const MAX_RUN_STEPS = 100_000;

export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
}

function finish<W, O>(
  model: ScenarioModel<W, O>,
  world: W,
  schedule: number[],
  steps: StepRecord[],
  violation: Violation | null,
  notable: Set<string>,
): ScheduleRun {
  return { schedule, steps, violation, finalStates: model.actors.map((_, a) => model.describe(world, a)), notable: [...notable].sort() };
}

export function runChoices<W, O>(model: ScenarioModel<W, O>, properties: readonly Property<O>[], choices: readonly number[]): ScheduleRun {
  return drive(model, properties, (enabled, index) => {
    const choice = choices[index];
    return choice === undefined ? enabled[0]! : enabled[choice % enabled.length]!;
  });
}

/** Replays a recorded schedule exactly; an actor that cannot step at its turn is an error, not a guess. */
export function replaySchedule<W, O>(model: ScenarioModel<W, O>, properties: readonly Property<O>[], schedule: readonly number[]): ScheduleRun {
  return drive(model, properties, (enabled, index) => {
    if (index >= schedule.length) return null;
    const actor = schedule[index]!;
    if (!enabled.includes(actor)) {
      const name = model.actors[actor] ?? `actor ${actor}`;
      throw new ScheduleError(`step ${index + 1}: ${name} cannot step here (enabled: ${enabled.map((a) => model.actors[a]).join(', ') || 'none'})`);
    }
    return actor;
  });
}

/** The shared loop: pick an actor (or null to stop), step, judge safety; judge the end when nobody can step. */
export function drive<W, O>(
  model: ScenarioModel<W, O>,
  properties: readonly Property<O>[],
  pick: (enabled: readonly number[], index: number) => number | null,
): ScheduleRun {
  let world = model.initial;
  const schedule: number[] = [];
  const steps: StepRecord[] = [];
  const notable = new Set<string>();
  const note = (w: W): void => {
    for (const tag of model.notable?.(w) ?? []) notable.add(tag);
  };
  note(world);
  const initialViolation = checkSafety(properties, model.observe(world));
  if (initialViolation !== null) return finish(model, world, schedule, steps, initialViolation, notable);
  for (let index = 0; index < MAX_RUN_STEPS; index++) {
    const enabled = model.enabled(world);
    if (enabled.length === 0) return finish(model, world, schedule, steps, checkEnd(model, properties, world), notable);
    const actor = pick(enabled, index);
    if (actor === null) return finish(model, world, schedule, steps, null, notable);
    const next = model.step(world, actor);
    world = next.world;
    schedule.push(actor);
    steps.push(next.record);
    note(world);
    const violation = checkSafety(properties, model.observe(world));
    if (violation !== null) return finish(model, world, schedule, steps, violation, notable);
  }
  throw new ScheduleError(`a run went past ${MAX_RUN_STEPS} steps without ending: the model does not terminate`);
}

/** Replays `prefix` exactly, then lets the lowest enabled actor go on until the run ends. */
export function completeSchedule<W, O>(model: ScenarioModel<W, O>, properties: readonly Property<O>[], prefix: readonly number[]): ScheduleRun {
  return drive(model, properties, (enabled, index) => {
    if (index >= prefix.length) return enabled[0]!;
    const actor = prefix[index]!;
    if (!enabled.includes(actor)) throw new ScheduleError(`step ${index + 1}: ${model.actors[actor] ?? actor} cannot step here`);
    return actor;
  });
}
