/**
 * lockstep's public API: the package entry (`import { ... } from 'lockstep'`). It re-exports exactly what users
 * may rely on, with types; every other module is internal and may change. The shape (docs/your-own-code.md):
 *
 * - describe the code: `defineScenario({ name, runtime: 'async' | 'threads', actors, setup, invariant, check,
 *   journal, busyTimeoutMs })` (threads scenarios also give `module: import.meta.url`);
 * - explore it: `explore(scenario, { strategy })` with `exhaustive()`, `random()`, `pct()` or `replay(token)`;
 *   the result has the verdict, the failing schedule, its table with locks, and a replay token
 *   (`LOCKSTEP_REPLAY=<token>` reruns it);
 * - inside your own fast-check property: `scheduleChoices()` and `openExplorer(scenario).run(choices)`.
 */
export { defineScenario } from './explore/define-scenario.js';
export { explore, openExplorer, defaultStrategy } from './explore/explore.js';
export type { ExploreOptions, ExploreResult, ExploreStep, ExploreVerdict, Explorer, ScheduleOutcome } from './explore/explore.js';
export { exhaustive, random, pct, replay } from './explore/strategy-factories.js';
export { scheduleChoices } from './explore/strategies/random-schedule-strategy.js';
export { formatReplayToken, parseReplayToken, ReplayTokenError, REPLAY_ENV } from './explore/replay-token.js';
export type { ReplayToken } from './explore/replay-token.js';
export type { FaultKind } from './explore/explore-fault.js';
export type {
  ActorError,
  ActorResult,
  AsyncActor,
  AsyncActorContext,
  AsyncScenarioDefinition,
  Check,
  CheckView,
  Journal,
  ScenarioDefinition,
  ThreadActor,
  ThreadActorContext,
  ThreadsScenarioDefinition,
} from '../impl/runtime/scenario-definition.js';
export type { GatedDatabase, GatedStatement, GatedTransaction } from '../impl/gated/sync-gated-database.js';
export type { AsyncGatedDatabase, AsyncGatedStatement, AsyncGatedTransaction } from '../impl/gated/async-gated-database.js';
export { RunAborted } from '../impl/gated/actor-channel.js';
export type { Strategy, StopReason } from './strategies/strategy.js';
