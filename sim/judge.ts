/**
 * Judging worlds against a scenario's properties: safety in every world, outcome (and the built-in
 * no-deadlock) when nobody can step.
 */
import type { ScenarioModel } from '../spec/scenario-model.js';
import type { Property } from '../properties/property.js';
import type { Violation } from './verdict.js';
import { NO_DEADLOCK } from './verdict.js';

export function checkSafety<O>(properties: readonly Property<O>[], observation: O): Violation | null {
  for (const property of properties) {
    if (property.kind !== 'safety') continue;
    const message = property.check(observation);
    if (message !== null) return { property: property.name, message };
  }
  return null;
}

/** For a world where no actor can step: a deadlock if anyone is unfinished, else the outcome properties. */
export function checkEnd<W, O>(model: ScenarioModel<W, O>, properties: readonly Property<O>[], world: W): Violation | null {
  const blocked = model.actors.map((_, a) => a).filter((a) => !model.finished(world, a));
  if (blocked.length > 0) {
    const states = model.actors.map((name, a) => `${name}: ${model.describe(world, a)}`).join(', ');
    return { property: NO_DEADLOCK, message: `deadlock: ${blocked.map((a) => model.actors[a]).join(', ')} can never step again (${states})` };
  }
  const observation = model.observe(world);
  for (const property of properties) {
    if (property.kind !== 'outcome') continue;
    const message = property.check(observation);
    if (message !== null) return { property: property.name, message };
  }
  return null;
}
