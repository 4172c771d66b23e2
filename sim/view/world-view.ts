/**
 * How the trace viewer words a world's shared state: nested objects flattened to dotted keys (`locked_by.ticket-0`),
 * values as text. Free of node and of the DOM (the page and the tests use it alike).
 */
import type { ExposedConnection, JsonValue } from '../../spec/scenario-model.js';

/** The shared state as key → value, objects flattened to dotted keys; arrays stay whole (one item of the panel). */
export function flattenShared(shared: Readonly<Record<string, JsonValue>> | undefined): Map<string, JsonValue> {
  const out = new Map<string, JsonValue>();
  const visit = (prefix: string, value: JsonValue): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value as Record<string, JsonValue>)) visit(prefix === '' ? k : `${prefix}.${k}`, v);
    } else out.set(prefix, value);
  };
  for (const [k, v] of Object.entries(shared ?? {})) visit(k, v);
  return out;
}

/** A value as the panel prints it: strings as they are, `none` for null, `yes`/`no`, anything else as JSON. */
export function formatValue(value: JsonValue | undefined): string {
  if (value === undefined) return '(absent)';
  if (value === null) return 'none';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length === 0 ? '(empty)' : value.map((v) => formatValue(v)).join(', ');
  return JSON.stringify(value);
}

/** A connection's lock in one word: its lock, or on the real engine (lock not observable) whether a transaction is open. */
export function formatConnectionLock(connection: ExposedConnection | undefined): string {
  if (connection === undefined) return 'no lock';
  const tx = connection.inTransaction ? 'in a transaction' : 'no transaction';
  if (connection.lock === null) return tx;
  return `${connection.lock === '-' ? 'no lock' : connection.lock}${connection.inTransaction ? ', in a transaction' : ''}`;
}

/** Keys whose value differs between two flattened shared states (in either). */
export function changedKeys(before: ReadonlyMap<string, JsonValue>, after: ReadonlyMap<string, JsonValue>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => JSON.stringify(before.get(k)) !== JSON.stringify(after.get(k)));
}
