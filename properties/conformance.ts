/**
 * Claim: for every lock script, the model (spec/sqlite/predict.ts) and real SQLite give the same outcome at
 * every step: the same status, the same result code, the same value read, and the same transaction state
 * afterwards. `wouldWait` is the model's own claim (the lock-step driver runs with busy timeout 0 and cannot
 * see it) and is not compared here; the truly concurrent barrier harness is where it is checked.
 *
 * The real engine is passed in (properties/ does not import impl/), so the same property runs against
 * runLockScript, a reusing runner, or a deliberately broken engine in a test.
 */
import fc from 'fast-check';
import type { BeginMode, Journal, LockScript, LockStep, StepOutcome } from '../spec/sqlite/lock-script.js';
import { predict } from '../spec/sqlite/predict.js';
import { lockScriptArbitrary, type LockScriptBounds } from './lock-script.arbitrary.js';

/** Answers a lock script with one outcome per step: the model, or real SQLite. */
export type LockEngine = (script: LockScript) => readonly StepOutcome[];

export type EngineName = 'sim' | 'real';

export type ComparedField = 'status' | 'code' | 'value' | 'inTransaction';

/** The first step where the two engines differ. */
export interface Disagreement {
  /** 0-based index into `script.steps` (output shows it counted from 1). */
  readonly index: number;
  /** The step at `index`; undefined only when an engine answered more outcomes than the script has steps. */
  readonly step: LockStep | undefined;
  /** null when that engine answered fewer outcomes than the other. */
  readonly model: StepOutcome | null;
  readonly real: StepOutcome | null;
  /** The fields that differ, or `outcomes` when one side has no outcome for this step. */
  readonly fields: readonly (ComparedField | 'outcomes')[];
}

const COMPARED_FIELDS: readonly ComparedField[] = ['status', 'code', 'value', 'inTransaction'];

/** The first step where model and real disagree, or null when they agree at every step. */
export function compareOutcomes(
  script: LockScript,
  model: readonly StepOutcome[],
  real: readonly StepOutcome[],
): Disagreement | null {
  const length = Math.max(model.length, real.length);
  for (let index = 0; index < length; index += 1) {
    const m = model[index];
    const r = real[index];
    const step = script.steps[index];
    if (m === undefined || r === undefined) {
      return { index, step, model: m ?? null, real: r ?? null, fields: ['outcomes'] };
    }
    const fields = COMPARED_FIELDS.filter((field) => m[field] !== r[field]);
    if (fields.length > 0) return { index, step, model: m, real: r, fields };
  }
  return null;
}

/** Why a script fails conformance: the engines disagree, or one of them threw. */
export type ConformanceFailure =
  | ({ readonly kind: 'disagreement'; readonly script: LockScript } & Disagreement)
  | { readonly kind: 'crash'; readonly script: LockScript; readonly engine: EngineName; readonly message: string };

/** Thrown by the property on a failing script; carries the typed failure, and a readable message. */
export class ConformanceError extends Error {
  override readonly name = 'ConformanceError';
  constructor(readonly failure: ConformanceFailure) {
    super(describeFailure(failure));
  }
}

export interface ConformanceOptions {
  /** The model; predict() by default (a test may pass a broken one). */
  readonly predict?: LockEngine;
  /** Fix the journal mode of the generated scripts; both by default. */
  readonly journal?: Journal;
  readonly bounds?: LockScriptBounds;
  /** Called after each script that was compared, with the outcomes of both engines. */
  readonly onCompared?: (script: LockScript, model: readonly StepOutcome[], real: readonly StepOutcome[]) => void;
}

/**
 * Compare one script on both engines; throws {@link ConformanceError} on the first disagreement or crash.
 * Returns the outcomes, so callers can count what was compared.
 */
export function assertConforms(
  script: LockScript,
  runReal: LockEngine,
  model: LockEngine = predict,
): { model: readonly StepOutcome[]; real: readonly StepOutcome[] } {
  const predicted = runEngine('sim', model, script);
  const observed = runEngine('real', runReal, script);
  const disagreement = compareOutcomes(script, predicted, observed);
  if (disagreement !== null) {
    throw new ConformanceError({ kind: 'disagreement', script, ...disagreement });
  }
  return { model: predicted, real: observed };
}

function runEngine(engine: EngineName, run: LockEngine, script: LockScript): readonly StepOutcome[] {
  try {
    return run(script);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ConformanceError({ kind: 'crash', script, engine, message });
  }
}

/** The conformance property over random lock scripts, for `fc.assert(conformanceProperty(runLockScript))`. */
export function conformanceProperty(runReal: LockEngine, options: ConformanceOptions = {}): fc.IPropertyWithHooks<[LockScript]> {
  const bounds: LockScriptBounds = { ...options.bounds, ...(options.journal !== undefined ? { journal: options.journal } : {}) };
  return fc.property(lockScriptArbitrary(bounds), (script) => {
    const { model, real } = assertConforms(script, runReal, options.predict ?? predict);
    options.onCompared?.(script, model, real);
  });
}

export interface CheckConformanceOptions extends ConformanceOptions {
  /** How many random scripts (fast-check numRuns). */
  readonly count: number;
  readonly seed: number;
  readonly runReal: LockEngine;
  /** A fast-check path (from an earlier report) to go straight to a known counterexample. */
  readonly path?: string;
  /** Called after each script compared before the first failure (not during shrinking), with the count so far. */
  readonly onProgress?: (runs: number) => void;
}

export interface ConformanceReport {
  /** Scripts compared before the first failure, that one included. */
  readonly runs: number;
  readonly disagreements: 0 | 1;
  readonly seed: number;
  /** fast-check's path to the shrunk counterexample; with the seed it replays the failure directly. */
  readonly path?: string;
  /** The shrunk failing script and where it fails. */
  readonly counterexample?: ConformanceFailure;
  /** Shrink steps that succeeded on the way to the counterexample. */
  readonly shrinks: number;
  /** Steps compared (both engines answered, up to the first difference), before the first failure. */
  readonly stepsCompared: number;
  /** Of those, steps where real SQLite answered busy or busy_snapshot: evidence the run met contention. */
  readonly busyCompared: number;
}

/** Run the conformance property `count` times from `seed`, shrink any failure, and report it as data. */
export function checkConformance(options: CheckConformanceOptions): ConformanceReport {
  let runs = 0;
  let stepsCompared = 0;
  let busyCompared = 0;
  let failing = false;
  const model = options.predict ?? predict;
  const bounds: LockScriptBounds = { ...options.bounds, ...(options.journal !== undefined ? { journal: options.journal } : {}) };

  const property = fc.property(lockScriptArbitrary(bounds), (script) => {
    const counting = !failing;
    if (counting) runs += 1;
    try {
      const outcomes = assertConforms(script, options.runReal, model);
      if (counting) {
        stepsCompared += outcomes.real.length;
        busyCompared += outcomes.real.filter(isBusy).length;
        options.onCompared?.(script, outcomes.model, outcomes.real);
        options.onProgress?.(runs);
      }
    } catch (error) {
      if (counting) {
        failing = true;
        if (error instanceof ConformanceError && error.failure.kind === 'disagreement') {
          const compared = error.failure.index;
          const observed = error.failure.real === null ? [] : [error.failure.real];
          stepsCompared += compared + observed.length;
          busyCompared += observed.filter(isBusy).length;
        }
      }
      throw error;
    }
  });

  const details = fc.check(property, {
    seed: options.seed,
    numRuns: options.count,
    ...(options.path !== undefined ? { path: options.path } : {}),
  });
  const base = { runs, seed: options.seed, shrinks: details.numShrinks, stepsCompared, busyCompared };
  if (!details.failed) return { ...base, disagreements: 0 };
  if (details.counterexample === null) {
    throw new Error(`conformance check failed without a counterexample (seed ${options.seed}): ${String(details.errorInstance)}`);
  }
  const [script] = details.counterexample;
  const error = details.errorInstance;
  const shrunk: ConformanceFailure =
    error instanceof ConformanceError
      ? error.failure
      : { kind: 'crash', script, engine: 'sim', message: error instanceof Error ? error.message : String(error) };
  const minimal = minimizeFailure(shrunk, options.runReal, model);
  return {
    ...base,
    shrinks: base.shrinks + minimal.steps,
    counterexample: minimal.failure,
    disagreements: 1,
    ...(details.counterexamplePath !== null ? { path: details.counterexamplePath } : {}),
  };
}

/**
 * fast-check's shrinker is greedy over the generated numbers, so a remapped script can keep a step or a
 * connection it does not need. This pass works on the script itself until nothing more can go: drop one step,
 * drop an unused connection or key, merge two connections into one, weaken a BEGIN mode. Any failure counts
 * (as in fast-check). Each accepted candidate is strictly smaller, so the pass ends; the result is minimal
 * with respect to every one of those single changes.
 */
export function minimizeFailure(
  failure: ConformanceFailure,
  runReal: LockEngine,
  model: LockEngine = predict,
): { failure: ConformanceFailure; steps: number } {
  const failureOf = (script: LockScript): ConformanceFailure | null => {
    try {
      assertConforms(script, runReal, model);
      return null;
    } catch (error) {
      if (error instanceof ConformanceError) return error.failure;
      throw error;
    }
  };
  let current = failure;
  let steps = 0;
  for (let progressed = true; progressed; ) {
    progressed = false;
    for (const candidate of smallerScripts(current.script)) {
      const found = failureOf(candidate);
      if (found !== null) {
        current = found;
        steps += 1;
        progressed = true;
        break;
      }
    }
  }
  return { failure: current, steps };
}

/** Every script one change smaller than `script`, smallest changes to the step list first. */
function* smallerScripts(script: LockScript): Generator<LockScript> {
  for (let index = 0; index < script.steps.length; index += 1) {
    yield { ...script, steps: script.steps.filter((_, i) => i !== index) };
  }
  // Merge connection `from` into `into` (from > into), then renumber the ones above `from` down by one.
  for (let from = script.connections - 1; from > 0; from -= 1) {
    for (let into = 0; into < from; into += 1) {
      const steps = script.steps.map((step) => {
        const conn = step.conn === from ? into : step.conn > from ? step.conn - 1 : step.conn;
        return { ...step, conn };
      });
      yield { ...script, connections: script.connections - 1, steps };
    }
  }
  const used = new Set(script.steps.flatMap((step) => (step.op === 'read' || step.op === 'write' ? [step.key] : [])));
  for (const key of script.keys) {
    if (!used.has(key) && script.keys.length > 1) yield { ...script, keys: script.keys.filter((k) => k !== key) };
  }
  const weaker: Record<BeginMode, BeginMode | null> = { exclusive: 'immediate', immediate: 'deferred', deferred: null };
  for (let index = 0; index < script.steps.length; index += 1) {
    const step = script.steps[index];
    const mode = step?.op === 'begin' ? weaker[step.mode] : null;
    if (step?.op === 'begin' && mode !== null) {
      yield { ...script, steps: script.steps.map((s, i) => (i === index ? { ...step, mode } : s)) };
    }
  }
}

function isBusy(outcome: StepOutcome): boolean {
  return outcome.status === 'busy' || outcome.status === 'busy_snapshot';
}

/** A failure as text: what differs, at which step, both outcomes. One paragraph, for fc.assert reports. */
export function describeFailure(failure: ConformanceFailure): string {
  switch (failure.kind) {
    case 'crash':
      return `the ${failure.engine} engine threw on a valid script: ${failure.message}`;
    case 'disagreement': {
      const where = `step ${failure.index + 1}${failure.step !== undefined ? ` (conn ${failure.step.conn} ${failure.step.op})` : ''}`;
      return (
        `model and real SQLite disagree at ${where} on ${failure.fields.join(', ')}: ` +
        `model ${JSON.stringify(failure.model)}, real ${JSON.stringify(failure.real)}`
      );
    }
  }
}
