/**
 * The locks a format-2 trace shows after each step, read from the trace alone (no model): every SQLite
 * connection's lock, and every lock an actor holds outside SQLite (a pid lock file, an asyncio lock). Shared by
 * the text table and the Mermaid diagram.
 */
import type { ExposedWorld } from '../../spec/scenario-model.js';
import type { TraceV2 } from '../trace.js';

/** One thing that can hold a lock: a connection (by name) or an actor's own lock. */
export interface LockHolder {
  readonly kind: 'connection' | 'actor';
  readonly name: string;
}

/** The connections (in the order the initial world lists them), then the actors that hold a lock at some point. */
export function lockHolders(trace: TraceV2): LockHolder[] {
  const worlds = [trace.initial, ...trace.steps.map((s) => s.state)];
  const connections = new Set<string>();
  for (const world of worlds) for (const name of Object.keys(world.connections ?? {})) connections.add(name);
  const actors = trace.actors.filter((name) => worlds.some((w) => w.actors[name]?.holds !== undefined));
  return [...[...connections].map((name) => ({ kind: 'connection' as const, name })), ...actors.map((name) => ({ kind: 'actor' as const, name }))];
}

/**
 * What `holder` holds in `world`, as one word: the connection's lock ('-' for none); where the engine could
 * not observe the lock (real SQLite), 'tx' or '-' from whether a transaction is open; an actor's lock or '-'.
 */
export function lockWord(world: ExposedWorld, holder: LockHolder): string {
  if (holder.kind === 'actor') return world.actors[holder.name]?.holds || '-';
  const connection = world.connections?.[holder.name];
  if (connection === undefined) return '-';
  if (connection.lock !== null) return connection.lock;
  return connection.inTransaction ? 'tx' : '-';
}
