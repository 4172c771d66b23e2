/**
 * Helpers for a scenario model's `expose` (format-2 traces, docs/formats.md): the actors' part of an
 * ExposedWorld, built from the words the scenario's observation already uses for each actor's status.
 */
import type { ActorStatus, ExposedActor, ExposedWorld } from './scenario-model.js';

/**
 * The trace's five statuses from a scenario's own status words: finished well (`done`, `acquired`,
 * `released`), finished badly (`failed`, `timed-out`, `not-found`, `crashed`, `gave-up`), waiting for something
 * another actor or time must change (`waiting`, `sleeping`), and still going (`running`, `trying`, `holding`).
 */
export function actorStatusOf(word: string): ActorStatus {
  switch (word) {
    case 'done':
    case 'acquired':
    case 'released':
      return 'done';
    case 'failed':
    case 'timed-out':
    case 'not-found':
    case 'crashed':
    case 'gave-up':
      return 'failed';
    case 'waiting':
    case 'sleeping':
      return 'waiting';
    case 'blocked':
      return 'blocked';
    default:
      return 'running';
  }
}

/** One actor's entry, leaving out the optional fields that are empty. */
export function exposedActor(state: string, status: ActorStatus, detail?: string | null, holds?: string | null): ExposedActor {
  return { state, status, ...(detail ? { detail } : {}), ...(holds ? { holds } : {}) };
}

/** The actors' part of an exposed world, in the order of `names`. */
export function exposeActors(names: readonly string[], actor: (index: number) => ExposedActor): ExposedWorld['actors'] {
  return Object.fromEntries(names.map((name, index) => [name, actor(index)]));
}
