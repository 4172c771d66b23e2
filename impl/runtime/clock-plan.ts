/**
 * The virtual clock of a scenario as its definition declares it (`clock` in defineScenario), and the words and
 * numbers every report uses for time. Plain data and pure functions: both runtimes, explore() and the replay
 * token read it.
 *
 * Time is a schedule choice. Besides the actors, a run offers pseudo-actors that move the clock, placed after
 * the actors in the actor list so that a schedule stays an array of small integers:
 * - `clock` (index = number of actors): advance to the next timer any actor waits on, firing it;
 * - `clock+<duration>` (the next indexes, one per declared duration): jump by that amount, firing every timer
 *   due on the way (a lease length, a timeout: the durations where the user's code changes its mind).
 * Steps take no virtual time; only these choices, and a virtual busy timeout running out, move the clock.
 */

export interface ClockOptions {
  /** What `Date.now()` reads when a run starts, in ms since the epoch or as a Date (default 0: 1970-01-01T00:00:00Z). */
  readonly start?: number | Date;
  /** Durations in ms the clock may jump by at any step, besides going to the next timer. */
  readonly advances?: readonly number[];
  /** How many jumps by a declared duration one run may take, in all (default 1). */
  readonly maxAdvances?: number;
}

/** The clock of one scenario, normalised. `on: false`: user code runs on the wall clock (`clock: false`). */
export interface ClockPlan {
  readonly on: boolean;
  readonly start: number;
  readonly advances: readonly number[];
  readonly maxAdvances: number;
}

/** What an actor's step did to the virtual clock (for reduction): read the time, set or cleared a timer. */
export interface ClockTouch {
  readonly readTime: boolean;
  readonly changedTimers: boolean;
}

export const UNTOUCHED: ClockTouch = { readTime: false, changedTimers: false };

export const DEFAULT_CLOCK_START = 0;
export const DEFAULT_MAX_ADVANCES = 1;

/** The globals replaced while a run is open (in the main thread and in every actor thread). */
export const FAKED_GLOBALS = ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'hrtime'] as const;

export class ClockOptionsError extends TypeError {
  override readonly name = 'ClockOptionsError';
}

/** Reads a definition's `clock` (throws ClockOptionsError naming what is wrong and what is accepted). */
export function clockPlanOf(setting: ClockOptions | false | undefined): ClockPlan {
  if (setting === false) return { on: false, start: DEFAULT_CLOCK_START, advances: [], maxAdvances: 0 };
  if (setting === undefined) return { on: true, start: DEFAULT_CLOCK_START, advances: [], maxAdvances: DEFAULT_MAX_ADVANCES };
  if (typeof setting !== 'object' || setting === null) throw new ClockOptionsError('clock must be false or { start?, advances?, maxAdvances? }');
  const start = setting.start instanceof Date ? setting.start.getTime() : setting.start ?? DEFAULT_CLOCK_START;
  if (!Number.isSafeInteger(start) || start < 0) throw new ClockOptionsError('clock.start must be a Date or a whole number of ms since the epoch, 0 or more');
  const advances = setting.advances ?? [];
  if (!Array.isArray(advances) || !advances.every((d) => Number.isSafeInteger(d) && d > 0)) {
    throw new ClockOptionsError('clock.advances must be an array of durations in whole ms, each more than 0');
  }
  if (new Set(advances).size !== advances.length) throw new ClockOptionsError('clock.advances must not name a duration twice');
  const maxAdvances = setting.maxAdvances ?? DEFAULT_MAX_ADVANCES;
  if (!Number.isInteger(maxAdvances) || maxAdvances < 0) throw new ClockOptionsError('clock.maxAdvances must be a whole number, 0 or more');
  return { on: true, start, advances: [...advances], maxAdvances };
}

/** The names of the clock's pseudo-actors, in index order after the actors: `clock`, then `clock+<duration>` per declared duration. */
export function clockChoiceNames(plan: ClockPlan): string[] {
  return plan.on ? ['clock', ...plan.advances.map((d) => `clock+${formatDuration(d)}`)] : [];
}

/** The clock as a replay token writes it: `off`, or `start=<ms>` then `,by=<ms>` per declared duration and `,max=<n>` when not 1. */
export function clockKey(plan: ClockPlan): string {
  if (!plan.on) return 'off';
  const parts = [`start=${plan.start}`, ...plan.advances.map((d) => `by=${d}`)];
  if (plan.advances.length > 0 && plan.maxAdvances !== DEFAULT_MAX_ADVANCES) parts.push(`max=${plan.maxAdvances}`);
  return parts.join(',');
}

const UNITS: readonly [string, number][] = [
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** A duration in ms as `1h30m`, `5m`, `2s250ms`, `0ms`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0ms';
  let rest = Math.round(ms);
  let out = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

/** Virtual time since the run started as `h:mm:ss`, with `.mmm` when not a whole second: `0:06:00`, `1:00:00.250`. */
export function formatClock(ms: number): string {
  const whole = Math.floor(ms / 1000);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const frac = Math.round(ms - whole * 1000);
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}${frac === 0 ? '' : `.${String(frac).padStart(3, '0')}`}`;
}
