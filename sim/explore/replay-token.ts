/**
 * The replay token: a versioned string that names one schedule of one scenario, printed with every failure of
 * explore() and read back from `LOCKSTEP_REPLAY` (or given to `replay(token)`), so a user's own test reruns
 * exactly the failing run. Format, version 1 (documented in docs/your-own-code.md; stable):
 *
 *   ls1:<scenario name, URI-encoded>:<number of actors>:<journal>:<busy timeout ms>:<schedule>
 *
 * where the schedule is the actor index of every step, separated by dots (`0.1.1.2`). The actors' number,
 * journal and busy timeout are there to refuse a token that was made for another shape of the scenario.
 */
import type { Journal } from '../../impl/runtime/scenario-definition.js';

export interface ReplayToken {
  readonly scenario: string;
  readonly actors: number;
  readonly journal: Journal;
  readonly busyTimeoutMs: number;
  readonly schedule: readonly number[];
}

/** A token that cannot be read, or that was made for another scenario shape: a usage error (exit 2 on the command line). */
export class ReplayTokenError extends Error {
  override readonly name = 'ReplayTokenError';
}

export const REPLAY_ENV = 'LOCKSTEP_REPLAY';

export function formatReplayToken(token: ReplayToken): string {
  return ['ls1', encodeURIComponent(token.scenario), token.actors, token.journal, token.busyTimeoutMs, token.schedule.join('.')].join(':');
}

export function parseReplayToken(text: string): ReplayToken {
  const parts = text.trim().split(':');
  const accepted = 'accepted: ls1:<scenario>:<actors>:<delete|wal>:<busy timeout ms>:<schedule as dot-separated actor indexes>';
  if (parts[0] !== 'ls1') throw new ReplayTokenError(`replay token "${text}" is not a lockstep replay token of version 1 (${accepted})`);
  if (parts.length !== 6) throw new ReplayTokenError(`replay token "${text}" has ${parts.length} fields, 6 expected (${accepted})`);
  const [, name, actors, journal, busy, schedule] = parts as [string, string, string, string, string, string];
  let scenario: string;
  try {
    scenario = decodeURIComponent(name);
  } catch {
    throw new ReplayTokenError(`replay token "${text}": the scenario name is not URI-encoded (${accepted})`);
  }
  const count = Number(actors);
  if (!/^\d+$/.test(actors) || count < 1) throw new ReplayTokenError(`replay token "${text}": the number of actors must be a positive integer (${accepted})`);
  if (journal !== 'delete' && journal !== 'wal') throw new ReplayTokenError(`replay token "${text}": the journal must be delete or wal (${accepted})`);
  if (!/^\d+$/.test(busy)) throw new ReplayTokenError(`replay token "${text}": the busy timeout must be a whole number of ms (${accepted})`);
  if (schedule !== '' && !/^\d+(\.\d+)*$/.test(schedule)) throw new ReplayTokenError(`replay token "${text}": the schedule must be actor indexes separated by dots (${accepted})`);
  const steps = schedule === '' ? [] : schedule.split('.').map(Number);
  if (steps.some((a) => a >= count)) throw new ReplayTokenError(`replay token "${text}": the schedule names an actor beyond the ${count} it declares`);
  return { scenario, actors: count, journal, busyTimeoutMs: Number(busy), schedule: steps };
}

/** Checks that a token was made for this scenario's shape; throws ReplayTokenError naming what differs. */
export function checkTokenFits(token: ReplayToken, scenario: string, actors: number, journal: Journal, busyTimeoutMs: number): void {
  const differs: string[] = [];
  if (token.scenario !== scenario) differs.push(`scenario "${token.scenario}", not "${scenario}"`);
  if (token.actors !== actors) differs.push(`${token.actors} actors, not ${actors}`);
  if (token.journal !== journal) differs.push(`journal ${token.journal}, not ${journal}`);
  if (token.busyTimeoutMs !== busyTimeoutMs) differs.push(`busy timeout ${token.busyTimeoutMs} ms, not ${busyTimeoutMs}`);
  if (differs.length > 0) throw new ReplayTokenError(`the replay token does not fit the scenario: it was made for ${differs.join(', ')}`);
}
