/** The strategies explore() offers, by name, with their bounds (each owns its own: sim/strategies/strategy.ts). */
import type { Strategy } from '../strategies/strategy.js';
import { parseReplayToken } from './replay-token.js';
import { PctScheduleStrategy, type PctScheduleOptions } from './strategies/pct-schedule-strategy.js';
import { RandomScheduleStrategy, type RandomScheduleOptions } from './strategies/random-schedule-strategy.js';
import { ReplayScheduleStrategy } from './strategies/replay-schedule-strategy.js';
import { SleepSetExhaustiveStrategy, type SleepSetExhaustiveOptions } from './strategies/sleep-set-exhaustive-strategy.js';

/** Every schedule up to sleep-set equivalence; the shortest failing one. */
export const exhaustive = (options: SleepSetExhaustiveOptions = {}): Strategy => new SleepSetExhaustiveStrategy(options);
/** fast-check drawn schedules, shrunk on failure. */
export const random = (options: RandomScheduleOptions = {}): Strategy => new RandomScheduleStrategy(options);
/** Probabilistic concurrency testing. */
export const pct = (options: PctScheduleOptions = {}): Strategy => new PctScheduleStrategy(options);
/** Exactly the schedule of a replay token (a ReplayTokenError if it cannot be read). */
export const replay = (token: string): Strategy => new ReplayScheduleStrategy(parseReplayToken(token).schedule);
