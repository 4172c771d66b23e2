/**
 * The replay token: a versioned string that names one schedule of one scenario, printed with every failure of
 * explore() and read back from `LOCKSTEP_REPLAY` (or given to `replay(token)`), so a user's own test reruns
 * exactly the failing run. Format, version 2 (documented in docs/your-own-code.md; stable):
 *
 *   ls2:<scenario name, URI-encoded>:<number of actors>:<journal>:<busy timeout ms>:<clock>:<schedule>
 *
 * where the schedule is the index of every step's choice, separated by dots (`0.1.3.2`): an actor, or past the
 * actors one of the clock's pseudo-actors (`clock`, then `clock+<duration>` per declared duration). The clock
 * field is `off` or `start=<ms>[,by=<ms>...][,max=<n>]` (impl/runtime/clock-plan.ts, clockKey). Time moves only by
 * those choices and by busy timeouts running out, so the schedule reproduces the clock as well as the order. The
 * actors' number, journal, busy timeout and clock are there to refuse a token made for another shape of the
 * scenario.
 *
 * Version 1 (`ls1:<scenario>:<actors>:<journal>:<busy timeout ms>:<schedule>`, before the clock) is still read:
 * its schedule names actors only, and it fits a scenario whose clock is the default one.
 */
import { clockKey, clockPlanOf, type ClockPlan } from '../../impl/runtime/clock-plan.js';
import type { Journal } from '../../impl/runtime/scenario-definition.js';

export interface ReplayToken {
  readonly scenario: string;
  readonly actors: number;
  readonly journal: Journal;
  readonly busyTimeoutMs: number;
  /** The clock field (`off`, or `start=...`): clockKey of the scenario's clock. */
  readonly clock: string;
  readonly schedule: readonly number[];
}

/** A token that cannot be read, or that was made for another scenario shape: a usage error (exit 2 on the command line). */
export class ReplayTokenError extends Error {
  override readonly name = 'ReplayTokenError';
}

export const REPLAY_ENV = 'LOCKSTEP_REPLAY';

export function formatReplayToken(token: ReplayToken): string {
  return ['ls2', encodeURIComponent(token.scenario), token.actors, token.journal, token.busyTimeoutMs, token.clock, token.schedule.join('.')].join(':');
}

const ACCEPTED = 'accepted: ls2:<scenario>:<actors>:<delete|wal>:<busy timeout ms>:<clock: off or start=<ms>[,by=<ms>...][,max=<n>]>:<schedule as dot-separated choice indexes>, or version 1 without the clock';

/** How many choices past the actors a clock field names (`clock`, and one per `by=`); 0 for `off`. */
function clockChoices(clock: string): number {
  return clock === 'off' ? 0 : 1 + clock.split(',').filter((part) => part.startsWith('by=')).length;
}

export function parseReplayToken(text: string): ReplayToken {
  const parts = text.trim().split(':');
  const version = parts[0];
  if (version !== 'ls1' && version !== 'ls2') throw new ReplayTokenError(`replay token "${text}" is not a lockstep replay token of version 1 or 2 (${ACCEPTED})`);
  const expected = version === 'ls1' ? 6 : 7;
  if (parts.length !== expected) throw new ReplayTokenError(`replay token "${text}" has ${parts.length} fields, ${expected} expected for ${version} (${ACCEPTED})`);
  const [name, actors, journal, busy] = parts.slice(1, 5) as [string, string, string, string];
  const clock = version === 'ls1' ? clockKey(clockPlanOf(undefined)) : parts[5]!;
  const schedule = parts[parts.length - 1]!;
  let scenario: string;
  try {
    scenario = decodeURIComponent(name);
  } catch {
    throw new ReplayTokenError(`replay token "${text}": the scenario name is not URI-encoded (${ACCEPTED})`);
  }
  const count = Number(actors);
  if (!/^\d+$/.test(actors) || count < 1) throw new ReplayTokenError(`replay token "${text}": the number of actors must be a positive integer (${ACCEPTED})`);
  if (journal !== 'delete' && journal !== 'wal') throw new ReplayTokenError(`replay token "${text}": the journal must be delete or wal (${ACCEPTED})`);
  if (!/^\d+$/.test(busy)) throw new ReplayTokenError(`replay token "${text}": the busy timeout must be a whole number of ms (${ACCEPTED})`);
  if (clock !== 'off' && !/^start=\d+(,by=\d+)*(,max=\d+)?$/.test(clock)) throw new ReplayTokenError(`replay token "${text}": the clock must be off or start=<ms>[,by=<ms>...][,max=<n>] (${ACCEPTED})`);
  if (schedule !== '' && !/^\d+(\.\d+)*$/.test(schedule)) throw new ReplayTokenError(`replay token "${text}": the schedule must be choice indexes separated by dots (${ACCEPTED})`);
  const steps = schedule === '' ? [] : schedule.split('.').map(Number);
  const choices = count + (version === 'ls1' ? 0 : clockChoices(clock));
  if (steps.some((a) => a >= choices)) throw new ReplayTokenError(`replay token "${text}": the schedule names a choice beyond the ${count} actors${choices > count ? ` and ${choices - count} clock choices` : ''} it declares`);
  return { scenario, actors: count, journal, busyTimeoutMs: Number(busy), clock, schedule: steps };
}

/** Checks that a token was made for this scenario's shape; throws ReplayTokenError naming what differs. */
export function checkTokenFits(token: ReplayToken, scenario: string, actors: number, journal: Journal, busyTimeoutMs: number, clock: ClockPlan = clockPlanOf(undefined)): void {
  const differs: string[] = [];
  if (token.scenario !== scenario) differs.push(`scenario "${token.scenario}", not "${scenario}"`);
  if (token.actors !== actors) differs.push(`${token.actors} actors, not ${actors}`);
  if (token.journal !== journal) differs.push(`journal ${token.journal}, not ${journal}`);
  if (token.busyTimeoutMs !== busyTimeoutMs) differs.push(`busy timeout ${token.busyTimeoutMs} ms, not ${busyTimeoutMs}`);
  const key = clockKey(clock);
  if (token.clock !== key) differs.push(`clock ${token.clock}, not ${key}`);
  if (differs.length > 0) throw new ReplayTokenError(`the replay token does not fit the scenario: it was made for ${differs.join(', ')}`);
}
