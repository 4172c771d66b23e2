/**
 * Replaying a schedule on the real engine: the real code on real SQLite, one step of the named actor at a
 * time, judged by the same properties on what the real run reports, and compared step by step with the
 * model's record of the same schedule.
 */
import type { RealRun } from '../impl/engine-seam.js';
import type { ExposedWorld, StepRecord } from '../spec/scenario-model.js';
import type { Property } from '../properties/property.js';
import type { Violation } from './verdict.js';
import { NO_DEADLOCK } from './verdict.js';

export interface StepMismatch {
  /** 0-based step index. */
  readonly index: number;
  readonly model: StepRecord | null;
  readonly real: StepRecord | null;
}

export interface RealReplay {
  readonly steps: readonly StepRecord[];
  readonly violation: Violation | null;
  /** The first step where the real run did not do what the model did, or null when they agree throughout. */
  readonly mismatch: StepMismatch | null;
  /** What the real run exposed before the first step, and after each step (format-2 traces); empty unless asked for. */
  readonly initial: ExposedWorld;
  readonly states: readonly ExposedWorld[];
}

/**
 * The world as the real run exposes it; a real run without `expose` shows each actor as finished or not.
 * RealExposedWorld is ExposedWorld declared again on impl's side (test/trace-v2.test.ts ties the two).
 */
export function exposeReal(run: RealRun): ExposedWorld {
  if (run.expose !== undefined) return run.expose() as ExposedWorld;
  return { actors: Object.fromEntries(run.actors.map((name, a) => [name, run.finished(a) ? { state: 'finished', status: 'done' } : { state: 'parked', status: 'running' }])) };
}

const sameStep = (a: StepRecord, b: StepRecord): boolean => a.actor === b.actor && a.action === b.action && a.outcome === b.outcome;

/**
 * Runs `schedule` on a fresh real run and closes it (also on failure). `expected` is the model's record of the
 * same schedule, or null when there is nothing to compare with. `endsRun`: the schedule is a whole run (the
 * model had nobody left to step after it), so an actor still unfinished on the real side is blocked for good.
 */
export async function replayOnReal<O>(
  open: () => Promise<RealRun>,
  properties: readonly Property<O>[],
  schedule: readonly number[],
  expected: readonly StepRecord[] | null,
  endsRun: boolean,
  /** Record the exposed world after every step (for a trace); off, a replay only judges and compares. */
  recordStates = true,
): Promise<RealReplay> {
  const run = await open();
  try {
    const steps: StepRecord[] = [];
    let mismatch: StepMismatch | null = null;
    const judgeSafety = (): Violation | null => {
      const observation = run.observe() as O;
      for (const property of properties) {
        if (property.kind !== 'safety') continue;
        const message = property.check(observation);
        if (message !== null) return { property: property.name, message };
      }
      return null;
    };
    const initial: ExposedWorld = recordStates ? exposeReal(run) : { actors: {} };
    const states: ExposedWorld[] = [];
    let violation = judgeSafety();
    for (const [index, actor] of schedule.entries()) {
      if (violation !== null) break;
      if (actor >= run.actors.length || run.finished(actor)) {
        mismatch ??= { index, model: expected?.[index] ?? null, real: null };
        break;
      }
      const record = await run.step(actor);
      steps.push(record);
      if (recordStates) states.push(exposeReal(run));
      const want = expected?.[index];
      if (mismatch === null && want !== undefined && !sameStep(want, record)) mismatch = { index, model: want, real: record };
      violation = judgeSafety();
    }
    if (violation === null && mismatch === null && expected !== null && expected.length > steps.length) {
      mismatch = { index: steps.length, model: expected[steps.length] ?? null, real: null };
    }
    if (violation === null) {
      const unfinished = run.actors.filter((_, a) => !run.finished(a));
      if (unfinished.length === 0) {
        const observation = run.observe() as O;
        for (const property of properties) {
          if (property.kind !== 'outcome') continue;
          const message = property.check(observation);
          if (message !== null) {
            violation = { property: property.name, message };
            break;
          }
        }
      } else if (endsRun && steps.length === schedule.length) {
        violation = { property: NO_DEADLOCK, message: `deadlock: ${unfinished.join(', ')} did not finish` };
      }
    }
    return { steps, violation, mismatch, initial, states };
  } finally {
    await run.close();
  }
}
