/**
 * `check`: one scenario variant, one engine, one strategy, judged against the scenario's properties.
 *
 * sim: the strategy explores the model. real: the real code on real SQLite is driven through schedules from
 * the model (the counterexample first, then: for exhaustive, schedules covering every transition of the
 * explored world graph; for random and pct, the schedules the strategy drew), every step compared with the
 * model's, and the verdict is the properties' judgement of what the real run reported.
 */
import fc from 'fast-check';
import type { ScenarioModel } from '../spec/scenario-model.js';
import type { Property } from '../properties/property.js';
import type { ScenarioBinding } from './scenario-binding.js';
import type { EngineName, ScenarioParams, TraceV2 } from './trace.js';
import { checkCommandLine } from './reproduce-command.js';
import type { TraceHeader } from './trace-builder.js';
import { modelTrace, realTrace } from './trace-builder.js';
import type { ScheduleRun, Verdict, Violation } from './verdict.js';
import type { StepMismatch } from './real-replay.js';
import { replayOnReal } from './real-replay.js';
import { completeSchedule, runChoices } from './run-schedule.js';
import { edgeCoverPrefixes } from './strategies/edge-cover.js';
import type { ExhaustiveLimits } from './strategies/exhaustive-strategy.js';
import { DEFAULT_EXHAUSTIVE_LIMITS, exploreExhaustively } from './strategies/exhaustive-strategy.js';
import { DEFAULT_PCT_DEPTH, explorePct, pctRun } from './strategies/pct-strategy.js';
import { exploreRandomly } from './strategies/random-strategy.js';
import { Prng } from './prng.js';

export type StrategyName = 'exhaustive' | 'random' | 'pct';
export const STRATEGIES: readonly StrategyName[] = ['exhaustive', 'random', 'pct'];

export interface CheckOptions {
  readonly variant: string;
  readonly engine: EngineName;
  readonly strategy: StrategyName;
  readonly runs: number;
  readonly seed: number;
  readonly params: ScenarioParams;
  readonly limits?: ExhaustiveLimits;
  /** Called with a line of progress for long runs (never on stdout). */
  readonly progress?: (line: string) => void;
}

export interface CheckResult {
  readonly scenario: string;
  readonly variant: string;
  readonly engine: EngineName;
  readonly strategy: StrategyName;
  readonly params: ScenarioParams;
  readonly seed: number;
  /** The --runs asked for (random, pct), so that a failure's reproduce line asks for the same. */
  readonly runs: number;
  /** The exhaustive bound on distinct worlds used, so that a reproduce line asks for the same. */
  readonly maxWorlds: number;
  readonly verdict: Verdict;
  readonly property: string | null;
  readonly message: string | null;
  readonly explored: { readonly states?: number; readonly transitions?: number; readonly schedules: number; readonly shrinks?: number };
  /**
   * sim: how many explored worlds (exhaustive) or schedules (random, pct) reached each dangerous window.
   * real: how many replayed schedules did, counted only over schedules whose every step agreed with the model
   * (the window is a fact of the model's world; agreement at every step is what carries it over to the real run).
   */
  readonly notable: Readonly<Record<string, number>>;
  readonly limit: string | null;
  readonly counterexample: TraceV2 | null;
  /** real only: the first step where real SQLite did not do what the model did, over every schedule replayed. */
  readonly mismatch: (StepMismatch & { readonly schedule: readonly number[] }) | null;
}

/** The header of every trace a check writes: the run's identity and the command that reproduces it. */
function headerOf(binding: ScenarioBinding, options: CheckOptions, engine: EngineName): TraceHeader {
  const identity = {
    scenario: binding.entry.name,
    variant: options.variant,
    engine,
    strategy: options.strategy,
    runs: options.runs,
    seed: options.seed,
    maxWorlds: (options.limits ?? DEFAULT_EXHAUSTIVE_LIMITS).maxWorlds,
    params: options.params,
  };
  return { scenario: binding.entry.name, variant: options.variant, params: options.params, reproduce: checkCommandLine(identity, binding), properties: binding.properties as readonly Property<never>[] };
}

interface SimOutcome {
  readonly result: CheckResult;
  /** Whole runs of the model to replay on the real engine (counterexample first). */
  readonly replays: readonly ScheduleRun[];
}

function checkOnModel<W, O>(binding: ScenarioBinding<W, O>, model: ScenarioModel<W, O>, options: CheckOptions, forReal: boolean): SimOutcome {
  const properties: readonly Property<O>[] = binding.properties;
  const base = {
    scenario: binding.entry.name,
    variant: options.variant,
    engine: 'sim' as const,
    strategy: options.strategy,
    params: options.params,
    seed: options.seed,
    runs: options.runs,
    maxWorlds: (options.limits ?? DEFAULT_EXHAUSTIVE_LIMITS).maxWorlds,
    mismatch: null,
  };
  switch (options.strategy) {
    case 'exhaustive': {
      const explored = exploreExhaustively(model, properties, options.limits ?? DEFAULT_EXHAUSTIVE_LIMITS, {
        recordEdges: forReal,
        continueAfterViolation: forReal,
      });
      // The shortest schedule to the violation, judged as a run (an outcome violation's schedule is already whole).
      const counter = explored.schedule === null ? null : completeSchedule(model, properties, explored.schedule);
      const replays: ScheduleRun[] = counter === null ? [] : [counter];
      if (forReal) {
        for (const prefix of edgeCoverPrefixes(explored)) replays.push(completeSchedule(model, properties, prefix));
      }
      return {
        result: {
          ...base,
          verdict: explored.verdict,
          property: explored.violation?.property ?? null,
          message: explored.violation?.message ?? null,
          explored: { states: explored.worlds, transitions: explored.transitions, schedules: explored.endings },
          notable: explored.notable,
          limit: explored.limit,
          counterexample: counter === null ? null : modelTrace(model, headerOf(binding, options, 'sim'), counter),
        },
        replays,
      };
    }
    case 'random':
    case 'pct': {
      const search =
        options.strategy === 'random'
          ? exploreRandomly(model, properties, { runs: options.runs, seed: options.seed })
          : explorePct(model, properties, { runs: options.runs, seed: options.seed });
      const failure = search.failure;
      const replays: ScheduleRun[] = failure === null ? [] : [failure];
      if (forReal && failure === null) replays.push(...drawnSchedules(model, properties, options));
      return {
        result: {
          ...base,
          verdict: failure === null ? 'holds' : 'violation',
          property: failure?.violation?.property ?? null,
          message: failure?.violation?.message ?? null,
          explored: { schedules: search.schedules, shrinks: search.shrinks },
          notable: search.notable,
          limit: null,
          counterexample: failure === null ? null : modelTrace(model, headerOf(binding, options, 'sim'), failure),
        },
        replays,
      };
    }
  }
}

/** The schedules the random or pct strategy draws for this seed (a pure function of it), as whole runs. */
function drawnSchedules<W, O>(model: ScenarioModel<W, O>, properties: readonly Property<O>[], options: CheckOptions): ScheduleRun[] {
  const count = Math.min(options.runs, 200);
  if (options.strategy === 'pct') {
    const prng = new Prng(options.seed);
    return Array.from({ length: count }, () => pctRun(model, properties, prng, DEFAULT_PCT_DEPTH, 6 * model.actors.length));
  }
  const width = Math.max(2, model.actors.length);
  const choices = fc.array(fc.nat({ max: width - 1 }), { maxLength: 8 * model.actors.length + 16 });
  return fc.sample(choices, { seed: options.seed, numRuns: count }).map((c) => runChoices(model, properties, c));
}

export async function check<W, O>(binding: ScenarioBinding<W, O>, options: CheckOptions): Promise<CheckResult> {
  const model = binding.model(options.variant, options.params);
  const sim = checkOnModel(binding, model, options, options.engine === 'real');
  if (options.engine === 'sim') return sim.result;

  // Real: replay the model's runs, counterexample first, each distinct schedule once.
  const seen = new Set<string>();
  const runs = sim.replays.filter((run) => {
    const id = run.schedule.join(',');
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  let violationTrace: TraceV2 | null = null;
  let violation: Violation | null = null;
  let mismatch: CheckResult['mismatch'] = null;
  const safetyNames = new Set(binding.properties.filter((p) => p.kind === 'safety').map((p) => p.name));
  const notable: Record<string, number> = {};
  let replayed = 0;
  for (const run of runs) {
    // The lock-step handshake runs on promises alone; between schedules, let the event loop take signals
    // (Ctrl-C) and I/O, so a long real check can be stopped.
    await new Promise<void>((resolve) => setImmediate(resolve));
    // A run that stopped on a safety violation is a prefix; every other model run is whole.
    const endsRun = run.violation === null || !safetyNames.has(run.violation.property);
    // Only judged and compared here; the world after every step is recorded for the run that becomes the trace.
    const open = () => binding.openReal(options.variant, options.params);
    const real = await replayOnReal(open, binding.properties, run.schedule, run.steps, endsRun, false);
    replayed++;
    if (replayed % 50 === 0) options.progress?.(`real: ${replayed}/${runs.length} schedules replayed`);
    if (mismatch === null && real.mismatch !== null) mismatch = { ...real.mismatch, schedule: run.schedule };
    if (real.mismatch === null) for (const tag of run.notable) notable[tag] = (notable[tag] ?? 0) + 1;
    if (violation === null && real.violation !== null) {
      violation = real.violation;
      // The same schedule again, recording what the real run exposes after every step (a real replay is deterministic).
      const recorded = await replayOnReal(open, binding.properties, run.schedule, run.steps, endsRun, true);
      violationTrace = realTrace(headerOf(binding, options, 'real'), {
        actors: model.actors,
        shared: model.sharedName ?? 'shared state',
        schedule: run.schedule,
        steps: recorded.steps,
        initial: recorded.initial,
        states: recorded.states,
        violation: recorded.violation,
        expected: run.steps,
      });
    }
  }
  const verdict: Verdict = violation !== null ? 'violation' : sim.result.verdict === 'limit-reached' ? 'limit-reached' : 'holds';
  return {
    ...sim.result,
    engine: 'real',
    verdict,
    property: violation?.property ?? null,
    message: violation?.message ?? null,
    explored: { ...sim.result.explored, schedules: replayed },
    notable,
    counterexample: violationTrace,
    mismatch,
  };
}
