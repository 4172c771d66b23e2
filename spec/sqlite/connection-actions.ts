/**
 * Actions shared by both connection machines. Each records the step's answer in the context (the world reads
 * it after the transition) or moves this connection's own values; none of them performs I/O.
 */
import { assign } from 'xstate';
import type { ConnectionContext, ConnectionEvent } from './connection-events.js';
import { applyWrite, visibleValue } from './connection-events.js';
import type { Committed } from './lock-view.js';

type Args = { context: ConnectionContext; event: ConnectionEvent };

/** assign() pinned to the connection machines' context and events, so the actions type-check standalone. */
export function connectionAssign<P extends Record<string, unknown> | undefined = undefined>(
  assignment: (args: Args, params: P) => Partial<ConnectionContext>,
) {
  return assign<ConnectionContext, ConnectionEvent, P, ConnectionEvent, never>(
    (args, params) => assignment({ context: args.context, event: args.event }, params),
  );
}

/** Which rows a read sees underneath this connection's own writes. */
export type ReadBase = 'committed' | 'snapshot';

function baseOf(context: ConnectionContext, event: ConnectionEvent, base: ReadBase): Committed {
  return base === 'snapshot' && context.snapshot !== null ? context.snapshot : event.view.committed;
}

/** The statement succeeded and returned no row. */
export const answerOk = connectionAssign((_: Args) => ({ outcome: { status: 'ok' as const } }));

/** A read succeeded: the row as this connection sees it. */
export const answerRead = connectionAssign(({ context, event }: Args, params: { base: ReadBase }) => {
  if (event.type !== 'READ') throw new Error(`answerRead on ${event.type}`);
  const value = visibleValue(baseOf(context, event, params.base), context.own, event.key);
  return { outcome: { status: 'ok' as const, value } };
});

/** A write succeeded inside a transaction: remember the new value as this connection's own. */
export const recordWrite = connectionAssign(({ context, event }: Args, params: { base: ReadBase }) => {
  if (event.type !== 'WRITE') throw new Error(`recordWrite on ${event.type}`);
  const current = visibleValue(baseOf(context, event, params.base), context.own, event.key);
  return {
    own: { ...context.own, [event.key]: applyWrite(current, event.effect) },
    outcome: { status: 'ok' as const },
  };
});

/** An autocommit write succeeded: it commits at once. */
export const publishAutocommitWrite = connectionAssign(({ event }: Args) => {
  if (event.type !== 'WRITE') throw new Error(`publishAutocommitWrite on ${event.type}`);
  const current = visibleValue(event.view.committed, {}, event.key);
  return {
    publish: { [event.key]: applyWrite(current, event.effect) },
    outcome: { status: 'ok' as const },
  };
});

/** COMMIT succeeded: hand this connection's own values to the world and forget the transaction. */
export const publishOwn = connectionAssign(({ context }: Args) => ({
  publish: Object.keys(context.own).length > 0 ? context.own : null,
  own: {},
  snapshot: null,
  snapshotVersion: null,
  outcome: { status: 'ok' as const },
}));

/** ROLLBACK (or a COMMIT of a transaction that wrote nothing): drop everything this transaction held. */
export const discardOwn = connectionAssign((_: Args) => ({
  own: {},
  snapshot: null,
  snapshotVersion: null,
  outcome: { status: 'ok' as const },
}));

/** SQLITE_BUSY. `wouldWait`: whether SQLite would have invoked the busy handler before giving up. */
export const answerBusy = connectionAssign((_: Args, params: { wouldWait: boolean }) => ({
  outcome: { status: 'busy' as const, code: 'SQLITE_BUSY', wouldWait: params.wouldWait },
}));

/** SQLITE_BUSY_SNAPSHOT: a WAL read transaction whose snapshot is stale asked to write. Never waits. */
export const answerBusySnapshot = connectionAssign((_: Args) => ({
  outcome: { status: 'busy_snapshot' as const, code: 'SQLITE_BUSY_SNAPSHOT', wouldWait: false },
}));

/** SQLITE_ERROR for misuse (COMMIT/ROLLBACK with no transaction, BEGIN inside one); state unchanged. */
export const answerMisuse = connectionAssign((_: Args) => ({
  outcome: { status: 'error' as const, code: 'SQLITE_ERROR' },
}));
