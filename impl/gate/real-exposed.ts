/**
 * Helpers for a real run's `expose()` (engine-seam.ts, RealExposedWorld): the actors' part of the world as the
 * real run observed it, in the same words the model's traces use, declared again here (impl/ never imports
 * spec/; spec/exposed-world.ts is the model's side).
 */
import type { RealExposedWorld } from '../engine-seam.js';

type RealActor = RealExposedWorld['actors'][string];
type RealStatus = RealActor['status'];

/** The five statuses of a trace from a scenario's own status words (the model maps the same words the same way). */
export function realStatusOf(word: string): RealStatus {
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

/**
 * One actor as the real run sees it: `state` is where the real code is (its gate's word: parked, done,
 * failed), `status` the scenario's verdict on it; empty optional fields are left out.
 */
export function realActor(state: string, statusWord: string, detail?: string | null, holds?: string | null): RealActor {
  return { state, status: realStatusOf(statusWord), ...(detail ? { detail } : {}), ...(holds ? { holds } : {}) };
}

/** The actors' part of the world, in the order of their views. */
export function realActors(views: readonly { readonly name: string }[], actor: (index: number) => RealActor): RealExposedWorld['actors'] {
  return Object.fromEntries(views.map((view, index) => [view.name, actor(index)]));
}

/** A real connection: real SQLite reports whether a transaction is open, not which lock it holds. */
export const realConnection = (inTransaction: boolean): { readonly lock: null; readonly inTransaction: boolean } => ({ lock: null, inTransaction });
