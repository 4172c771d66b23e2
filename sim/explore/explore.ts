/**
 * explore(): one call that explores the interleavings of the user's real code on real SQLite, with no model.
 * The strategy (exhaustive by default) runs the scenario's actors once per schedule on a fresh copy of the
 * setup's database; the result carries the verdict, the failing schedule (shortest for exhaustive, shrunk for
 * random), a table of that run with the lock each connection holds after each step (by the SQLite lock model
 * run beside), a replay token, and the model's disagreements with real SQLite (lockstep defects), if any.
 *
 * `LOCKSTEP_REPLAY`: when the environment holds a replay token for this scenario (by name), explore() replays
 * that one schedule instead of searching; a token for another scenario is left alone, and one for this
 * scenario's name that does not fit it (other actors, journal, busy timeout) is a ReplayTokenError.
 */
import type { ScenarioDefinition } from '../../impl/runtime/scenario-definition.js';
import { DEFAULT_STALL_TIMEOUT_MS } from '../../impl/runtime/run-driver.js';
import type { SearchResult, StopReason, Strategy } from '../strategies/strategy.js';
import { ExploreFault, type FaultKind } from './explore-fault.js';
import { exploreTable } from './explore-table.js';
import { checkTokenFits, formatReplayToken, parseReplayToken, REPLAY_ENV } from './replay-token.js';
import { ReplayScheduleStrategy } from './strategies/replay-schedule-strategy.js';
import { SleepSetExhaustiveStrategy } from './strategies/sleep-set-exhaustive-strategy.js';
import { UserRunTarget, type UserRunReport } from './user-run-target.js';
import { choicesChooser } from './strategies/random-schedule-strategy.js';

export interface ExploreOptions {
  /** How schedules are chosen: exhaustive() (the default), random(), pct(), replay(token). */
  readonly strategy?: Strategy;
  /** How long to wait for an actor that awaits something lockstep does not control (default 5000 ms). */
  readonly stallTimeoutMs?: number;
  /** The longest run in steps (default 1000); a longer one is the fault `step-bound`. */
  readonly maxSteps?: number;
  /** Asked between runs; a reason stops the search with the verdict `inconclusive`. */
  readonly shouldStop?: () => StopReason | null;
  /** Whether LOCKSTEP_REPLAY is honoured (default true). */
  readonly useReplayEnv?: boolean;
}

export type ExploreVerdict = 'holds' | 'violation' | 'inconclusive' | 'error';

export interface ExploreStep {
  readonly actor: string;
  readonly action: string;
  readonly outcome: string;
  /** The lock each connection holds after the step, by connection name. */
  readonly locks: Readonly<Record<string, string>>;
}

export interface ExploreResult {
  readonly scenario: string;
  readonly runtime: 'async' | 'threads';
  readonly strategy: string;
  readonly verdict: ExploreVerdict;
  /** `invariant`, `check` or `actors-finish` for a violation; null otherwise. */
  readonly property: string | null;
  /** The violation's or the fault's message; the bound reached for `inconclusive`. */
  readonly message: string | null;
  /** For `error`: what kind of fault. */
  readonly fault: FaultKind | null;
  /** The failing (or faulting) schedule: the actor index of every step. */
  readonly schedule: readonly number[] | null;
  readonly steps: readonly ExploreStep[];
  /** The failing run as a text table with the locks; '' when there is none. */
  readonly table: string;
  /** Reruns the failing schedule: LOCKSTEP_REPLAY=<token>. */
  readonly replayToken: string | null;
  /** Runs executed (not counting shrinking). */
  readonly schedules: number;
  readonly shrinks: number;
  /** How many runs reached each notable situation (`busy-wait`: some statement waited in its virtual busy handler), when the strategy counts them. */
  readonly notable: Readonly<Record<string, number>>;
  /** Steps where the SQLite lock model answered otherwise than real SQLite: lockstep defects, never the user's bug. */
  readonly disagreements: readonly string[];
  /** Everything above as text, for an assertion message or a log. */
  readonly report: string;
}

/** The default strategy: exhaustive with sleep sets. */
export function defaultStrategy(): Strategy {
  return new SleepSetExhaustiveStrategy();
}

export async function explore(scenario: ScenarioDefinition, options: ExploreOptions = {}): Promise<ExploreResult> {
  const journal = scenario.journal ?? 'delete';
  const busyTimeoutMs = scenario.busyTimeoutMs ?? 5000;
  const actors = Object.keys(scenario.actors ?? {});
  let strategy = options.strategy ?? defaultStrategy();
  const env = options.useReplayEnv === false ? undefined : process.env[REPLAY_ENV];
  if (env !== undefined && env.trim() !== '') {
    const token = parseReplayToken(env);
    if (token.scenario === scenario.name) {
      checkTokenFits(token, scenario.name, actors.length, journal, busyTimeoutMs);
      strategy = new ReplayScheduleStrategy(token.schedule);
    }
  }
  const target = new UserRunTarget(scenario, { stallTimeoutMs: options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS, maxSteps: options.maxSteps ?? 1000 });
  const base = { scenario: scenario.name, runtime: scenario.runtime, strategy: strategy.describe() };
  try {
    let searched: SearchResult;
    try {
      searched = await strategy.search({ runs: target }, options.shouldStop === undefined ? {} : { shouldStop: options.shouldStop });
    } catch (error) {
      if (!(error instanceof ExploreFault)) throw error;
      return finish({ ...base, verdict: 'error', property: null, message: error.message, fault: error.kind, schedules: 0, shrinks: 0, notable: {} }, error.schedule, error.steps, error.locks, error.connections, [], scenario, journal, busyTimeoutMs);
    }
    const failure = searched.failure as UserRunReport | null;
    const verdict: ExploreVerdict = searched.verdict;
    const message = failure?.violation?.message ?? searched.limit ?? (searched.stopped === null ? null : `stopped (${searched.stopped})`);
    return finish(
      { ...base, verdict, property: failure?.violation?.property ?? null, message, fault: null, schedules: searched.schedules, shrinks: searched.shrinks, notable: searched.notable },
      failure?.schedule ?? null,
      failure?.steps ?? [],
      failure?.locks ?? [],
      failure?.connections ?? [],
      target.disagreements,
      scenario,
      journal,
      busyTimeoutMs,
    );
  } finally {
    await target.close();
  }
}

type Head = Omit<ExploreResult, 'schedule' | 'steps' | 'table' | 'replayToken' | 'disagreements' | 'report'>;

function finish(
  head: Head,
  schedule: readonly number[] | null,
  steps: readonly { actor: string; action: string; outcome: string }[],
  locks: readonly (readonly string[])[],
  connections: readonly string[],
  disagreements: readonly string[],
  scenario: ScenarioDefinition,
  journal: 'delete' | 'wal',
  busyTimeoutMs: number,
): ExploreResult {
  const actors = Object.keys(scenario.actors);
  const replayToken = schedule === null ? null : formatReplayToken({ scenario: scenario.name, actors: actors.length, journal, busyTimeoutMs, schedule });
  const table = steps.length === 0 ? '' : exploreTable(steps, locks, connections);
  const exploreSteps = steps.map((s, i) => ({ ...s, locks: Object.fromEntries(connections.map((c, k) => [c, locks[i]?.[k] ?? '-'])) }));
  const lines = [
    `lockstep explore: ${scenario.name} (${scenario.runtime} runtime, ${actors.length} actors, journal ${journal}, busy timeout ${busyTimeoutMs} ms)`,
    `strategy: ${head.strategy}; ${head.schedules} schedule${head.schedules === 1 ? '' : 's'} run${head.shrinks > 0 ? `, ${head.shrinks} shrinking runs` : ''}`,
  ];
  switch (head.verdict) {
    case 'holds':
      lines.push('HOLDS: no schedule broke the checks');
      break;
    case 'violation':
      lines.push(`VIOLATION of ${head.property}: ${head.message}`);
      break;
    case 'inconclusive':
      lines.push(`INCONCLUSIVE: ${head.message}`);
      break;
    case 'error':
      lines.push(`ERROR (${head.fault}): ${head.message}`);
      break;
  }
  if (table !== '') lines.push('', table, '');
  if (replayToken !== null && head.verdict !== 'holds') lines.push(`replay: ${REPLAY_ENV}='${replayToken}'`);
  lines.push(
    disagreements.length === 0
      ? 'lock model: agreed with real SQLite on every step of every run'
      : `lock model: ${disagreements.length} disagreement(s) with real SQLite (a lockstep defect, not a bug in your code; please report it):\n  ${disagreements.join('\n  ')}`,
  );
  return { ...head, schedule, steps: exploreSteps, table, replayToken, disagreements, report: lines.join('\n') };
}

/** One run of one schedule, judged, for a user's own fast-check property (see openExplorer). */
export interface ScheduleOutcome {
  readonly holds: boolean;
  readonly property: string | null;
  readonly message: string | null;
  readonly schedule: readonly number[];
  readonly table: string;
  readonly replayToken: string;
  readonly report: string;
}

export interface Explorer {
  /** Runs the schedule that `choices` stands for (choice i picks among the actors that can step then, modulo their number). */
  run(choices: readonly number[]): Promise<ScheduleOutcome>;
  close(): Promise<void>;
}

/**
 * An explorer for the user's own `fc.assert(fc.asyncProperty(scheduleChoices(), ...))`: fast-check draws the
 * choice arrays (so its seed, path and shrinking apply to the schedule), and each is run here on a fresh copy
 * of the database. Close it after the assertion (an `after` hook): it owns a folder and, on threads, the threads.
 */
export function openExplorer(scenario: ScenarioDefinition, options: Pick<ExploreOptions, 'stallTimeoutMs' | 'maxSteps'> = {}): Explorer {
  const journal = scenario.journal ?? 'delete';
  const busyTimeoutMs = scenario.busyTimeoutMs ?? 5000;
  const target = new UserRunTarget(scenario, { stallTimeoutMs: options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS, maxSteps: options.maxSteps ?? 1000 });
  return {
    async run(choices) {
      const report = await target.run(choicesChooser(choices));
      const head: Head = {
        scenario: scenario.name,
        runtime: scenario.runtime,
        strategy: 'one schedule from the caller',
        verdict: report.violation === null ? 'holds' : 'violation',
        property: report.violation?.property ?? null,
        message: report.violation?.message ?? null,
        fault: null,
        schedules: 1,
        shrinks: 0,
        notable: {},
      };
      const done = finish(head, report.schedule, report.steps, report.locks, report.connections, report.disagreements, scenario, journal, busyTimeoutMs);
      return { holds: report.violation === null, property: done.property, message: done.message, schedule: report.schedule, table: done.table, replayToken: done.replayToken!, report: done.report };
    },
    close: () => target.close(),
  };
}
