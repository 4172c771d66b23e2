/**
 * Random lock scripts for the conformance property (model vs real SQLite, step by step).
 *
 * The scripts are deliberately misuse-rich, because that is where a model is most likely to be wrong: COMMIT
 * and ROLLBACK with no transaction open, BEGIN inside a transaction, and retries of a step that just met a lock.
 * Contention is made common by biasing steps towards connections that hold a transaction and towards repeating
 * the previous step.
 *
 * Shrinking: the script is generated as plain numbers first (connection count, key count, then a list of step
 * "intents" whose connection and key are small integers) and mapped to a script afterwards, taking connection
 * and key modulo the counts. Every shrink of the numbers (fewer steps, fewer connections, fewer keys, smaller
 * picks) therefore maps to a valid script, and fast-check shrinks to a minimal one without filtering.
 */
import fc from 'fast-check';
import {
  BEGIN_MODES,
  JOURNALS,
  MAX_CONNECTIONS,
  type BeginMode,
  type Journal,
  type LockOp,
  type LockScript,
  type LockStep,
} from '../spec/sqlite/lock-script.js';

export interface LockScriptBounds {
  /** Fix the journal mode; by default each script draws `delete` or `wal`. */
  readonly journal?: Journal;
  /** At most this many connections (1 to 8). */
  readonly maxConnections?: number;
  /** At most this many keys, named a, b, c, ... (1 to 26). */
  readonly maxKeys?: number;
  /** At least / at most this many steps. */
  readonly minSteps?: number;
  readonly maxSteps?: number;
}

export const DEFAULT_LOCK_SCRIPT_BOUNDS = {
  maxConnections: 5,
  maxKeys: 3,
  minSteps: 1,
  maxSteps: 40,
} as const;

/** Who a step belongs to, before it is mapped onto the script's connections. */
type StepTarget =
  /** Any connection (picked modulo the count). */
  | 'any'
  /** A connection that holds a transaction, as far as the script's own BEGIN/COMMIT/ROLLBACK tell; else any. */
  | 'holder'
  /** A connection that holds no transaction while another one does (it meets that one's locks); else any. */
  | 'intruder'
  /** The previous step again (a retry after busy, or a second COMMIT, or a second BEGIN). */
  | 'repeat';

/** One step as plain numbers; {@link buildLockScript} maps it onto a script. Exported for tests. */
export interface StepIntent {
  readonly target: StepTarget;
  /** Taken modulo the number of candidate connections. */
  readonly conn: number;
  readonly op: LockOp;
  readonly mode: BeginMode;
  /** Taken modulo the number of keys. */
  readonly key: number;
}

/** 120 is divisible by every count from 1 to 6, so picks modulo a count stay uniform. */
const PICK_MAX = 119;
const KEY_NAMES = 'abcdefghijklmnopqrstuvwxyz';

export function lockScriptArbitrary(bounds: LockScriptBounds = {}): fc.Arbitrary<LockScript> {
  const maxConnections = bounds.maxConnections ?? DEFAULT_LOCK_SCRIPT_BOUNDS.maxConnections;
  const maxKeys = bounds.maxKeys ?? DEFAULT_LOCK_SCRIPT_BOUNDS.maxKeys;
  const minSteps = bounds.minSteps ?? DEFAULT_LOCK_SCRIPT_BOUNDS.minSteps;
  const maxSteps = bounds.maxSteps ?? DEFAULT_LOCK_SCRIPT_BOUNDS.maxSteps;
  if (!Number.isInteger(maxConnections) || maxConnections < 1 || maxConnections > MAX_CONNECTIONS) {
    throw new RangeError(`maxConnections must be an integer from 1 to ${MAX_CONNECTIONS}, got ${maxConnections}`);
  }
  if (!Number.isInteger(maxKeys) || maxKeys < 1 || maxKeys > KEY_NAMES.length) {
    throw new RangeError(`maxKeys must be an integer from 1 to ${KEY_NAMES.length}, got ${maxKeys}`);
  }
  if (!Number.isInteger(minSteps) || !Number.isInteger(maxSteps) || minSteps < 0 || maxSteps < minSteps) {
    throw new RangeError(`steps bounds must be integers with 0 <= minSteps <= maxSteps, got ${minSteps}..${maxSteps}`);
  }

  const journal: fc.Arbitrary<Journal> =
    bounds.journal !== undefined ? fc.constant(bounds.journal) : fc.constantFrom(...JOURNALS);

  // Steps come first so that shrinking tries fewer steps before fewer connections and keys.
  return fc
    .tuple(
      fc.array(stepIntentArbitrary(), { minLength: minSteps, maxLength: maxSteps, size: 'max' }),
      fc.integer({ min: 1, max: maxConnections }),
      fc.integer({ min: 1, max: maxKeys }),
      journal,
    )
    .map(([intents, connections, keyCount, j]) => buildLockScript(j, connections, keyCount, intents));
}

export function stepIntentArbitrary(): fc.Arbitrary<StepIntent> {
  return fc.record({
    target: fc.oneof(
      { arbitrary: fc.constant<StepTarget>('any'), weight: 3 },
      { arbitrary: fc.constant<StepTarget>('holder'), weight: 4 },
      { arbitrary: fc.constant<StepTarget>('intruder'), weight: 2 },
      { arbitrary: fc.constant<StepTarget>('repeat'), weight: 2 },
    ),
    conn: fc.nat({ max: PICK_MAX }),
    op: fc.oneof(
      { arbitrary: fc.constant<LockOp>('read'), weight: 4 },
      { arbitrary: fc.constant<LockOp>('write'), weight: 4 },
      { arbitrary: fc.constant<LockOp>('begin'), weight: 3 },
      { arbitrary: fc.constant<LockOp>('commit'), weight: 2 },
      { arbitrary: fc.constant<LockOp>('rollback'), weight: 1 },
    ),
    mode: fc.constantFrom(...BEGIN_MODES),
    key: fc.nat({ max: PICK_MAX }),
  });
}

/**
 * Map intents onto a script with `connections` connections and `keyCount` keys. Always valid: every conn is in
 * range and every key is one of the script's keys, whatever the numbers.
 */
export function buildLockScript(
  journal: Journal,
  connections: number,
  keyCount: number,
  intents: readonly StepIntent[],
): LockScript {
  const keys = [...KEY_NAMES.slice(0, keyCount)];
  const holds = new Array<boolean>(connections).fill(false);
  const steps: LockStep[] = [];
  for (const intent of intents) {
    const previous = steps[steps.length - 1];
    const step =
      intent.target === 'repeat' && previous !== undefined
        ? previous
        : makeStep(intent, pickConn(intent, holds), keys);
    steps.push(step);
    // The script's own view of who holds a transaction; a busy COMMIT really leaves it open, which only
    // makes this bias weaker, never the script invalid.
    if (step.op === 'begin') holds[step.conn] = true;
    else if (step.op === 'commit' || step.op === 'rollback') holds[step.conn] = false;
  }
  return { journal, connections, keys, steps };
}

function pickConn(intent: StepIntent, holds: readonly boolean[]): number {
  if (intent.target === 'holder' || intent.target === 'intruder') {
    const holders = holds.flatMap((held, conn) => (held ? [conn] : []));
    const others = holds.flatMap((held, conn) => (held ? [] : [conn]));
    const candidates = intent.target === 'holder' ? holders : holders.length > 0 ? others : [];
    const chosen = candidates[intent.conn % Math.max(candidates.length, 1)];
    if (chosen !== undefined) return chosen;
  }
  return intent.conn % holds.length;
}

function makeStep(intent: StepIntent, conn: number, keys: readonly string[]): LockStep {
  const key = keys[intent.key % keys.length] ?? 'a';
  switch (intent.op) {
    case 'begin':
      return { conn, op: 'begin', mode: intent.mode };
    case 'read':
      return { conn, op: 'read', key };
    case 'write':
      return { conn, op: 'write', key };
    case 'commit':
      return { conn, op: 'commit' };
    case 'rollback':
      return { conn, op: 'rollback' };
  }
}
