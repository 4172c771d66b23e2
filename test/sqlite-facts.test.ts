/**
 * Every fact of ../shared/sqlite-facts.md as a named test, on both engines: the model (predict) and real
 * SQLite (runLockScript for the outcomes, measureWouldWait for whether the busy handler really waited).
 * Each fact is a lock script and the outcomes it must give, written out by hand from the fact.
 */
import assert from 'node:assert/strict';
import type { Journal, LockScript, LockStep, StepOutcome } from '../spec/sqlite/lock-script.js';
import { predict } from '../spec/sqlite/predict.js';
import { measureWouldWait, runLockScript } from '../impl/lock-step/index.js';

type Expect = Partial<StepOutcome> | null;

const OK: Expect = { status: 'ok' };
const IN: Expect = { status: 'ok', inTransaction: true };
const OUT: Expect = { status: 'ok', inTransaction: false };
const read = (value: number, inTransaction?: boolean): Expect => ({ status: 'ok', value, ...(inTransaction === undefined ? {} : { inTransaction }) });
const BUSY_WAITS: Expect = { status: 'busy', code: 'SQLITE_BUSY', wouldWait: true };
const BUSY_AT_ONCE: Expect = { status: 'busy', code: 'SQLITE_BUSY', wouldWait: false };
const SNAPSHOT: Expect = { status: 'busy_snapshot', code: 'SQLITE_BUSY_SNAPSHOT', wouldWait: false, inTransaction: true };
const MISUSE = (inTransaction: boolean): Expect => ({ status: 'error', code: 'SQLITE_ERROR', inTransaction });

const b = (conn: number, mode: 'deferred' | 'immediate' | 'exclusive' = 'deferred'): LockStep => ({ conn, op: 'begin', mode });
const r = (conn: number): LockStep => ({ conn, op: 'read', key: 'a' });
const w = (conn: number): LockStep => ({ conn, op: 'write', key: 'a' });
const c = (conn: number): LockStep => ({ conn, op: 'commit' });
const rb = (conn: number): LockStep => ({ conn, op: 'rollback' });

interface Fact {
  readonly name: string;
  readonly journal: Journal;
  readonly connections: number;
  readonly steps: readonly [LockStep, Expect][];
}

const FACTS: readonly Fact[] = [
  // Rollback journal
  { name: 'BEGIN DEFERRED takes no lock', journal: 'delete', connections: 2, steps: [[b(0), IN], [b(1, 'exclusive'), IN]] },
  { name: 'the first read of a deferred transaction takes SHARED', journal: 'delete', connections: 2, steps: [[b(0), IN], [r(0), read(0, true)], [b(1, 'exclusive'), { ...BUSY_WAITS, inTransaction: false }]] },
  { name: 'the first write takes RESERVED; readers may continue', journal: 'delete', connections: 2, steps: [[b(0), IN], [w(0), IN], [b(1, 'immediate'), BUSY_WAITS], [r(1), read(0, false)]] },
  { name: 'BEGIN IMMEDIATE takes RESERVED at once', journal: 'delete', connections: 2, steps: [[b(0, 'immediate'), IN], [b(1, 'immediate'), { ...BUSY_WAITS, inTransaction: false }], [r(1), read(0)]] },
  { name: 'BEGIN EXCLUSIVE takes EXCLUSIVE at once: readers are refused', journal: 'delete', connections: 2, steps: [[b(0, 'exclusive'), IN], [r(1), BUSY_WAITS]] },
  {
    name: 'COMMIT that cannot get EXCLUSIVE returns SQLITE_BUSY, stays open and keeps PENDING',
    journal: 'delete',
    connections: 3,
    steps: [[b(0), OK], [r(0), read(0)], [b(1), OK], [w(1), OK], [c(1), { ...BUSY_WAITS, inTransaction: true }], [r(2), BUSY_WAITS], [r(0), read(0, true)], [rb(0), OUT], [c(1), OUT], [r(2), read(1)]],
  },
  { name: 'a BEGIN IMMEDIATE that wrote nothing still needs EXCLUSIVE to commit', journal: 'delete', connections: 2, steps: [[b(0), OK], [r(0), OK], [b(1, 'immediate'), OK], [c(1), { ...BUSY_WAITS, inTransaction: true }]] },
  { name: 'an autocommit write while someone holds SHARED fails and leaves no transaction', journal: 'delete', connections: 2, steps: [[b(0), OK], [r(0), OK], [w(1), { ...BUSY_WAITS, inTransaction: false }], [c(0), OUT], [r(1), read(0)]] },
  { name: 'reads see the committed state and their own uncommitted writes', journal: 'delete', connections: 2, steps: [[b(0), OK], [w(0), OK], [r(0), read(1, true)], [r(1), read(0, false)], [c(0), OUT], [r(1), read(1)]] },
  // WAL
  { name: 'WAL: readers and the writer do not block each other', journal: 'wal', connections: 2, steps: [[b(0), OK], [r(0), read(0)], [b(1, 'immediate'), OK], [w(1), OK], [r(0), read(0)], [c(1), OUT], [r(0), read(0, true)]] },
  { name: 'WAL: one writer at a time', journal: 'wal', connections: 2, steps: [[b(0, 'immediate'), OK], [b(1, 'immediate'), { ...BUSY_WAITS, inTransaction: false }], [w(1), BUSY_WAITS]] },
  { name: 'WAL: BEGIN EXCLUSIVE behaves like IMMEDIATE, readers go on', journal: 'wal', connections: 3, steps: [[b(0, 'exclusive'), OK], [r(1), read(0)], [b(2, 'immediate'), BUSY_WAITS]] },
  { name: "WAL: a read transaction's snapshot is taken at its first read, not at BEGIN", journal: 'wal', connections: 2, steps: [[b(0), OK], [w(1), OUT], [r(0), read(1, true)]] },
  {
    name: 'WAL: a stale read transaction that writes gets SQLITE_BUSY_SNAPSHOT at once, stays open and stale',
    journal: 'wal',
    connections: 2,
    steps: [[b(0), OK], [r(0), read(0)], [w(1), OUT], [w(0), SNAPSHOT], [w(0), SNAPSHOT], [r(0), read(0, true)], [rb(0), OUT], [b(0), OK], [r(0), read(1)], [w(0), IN], [c(0), OUT], [r(1), read(2)]],
  },
  { name: 'WAL: the upgrade succeeds when nothing was committed in between', journal: 'wal', connections: 2, steps: [[b(0), OK], [r(0), read(0)], [r(1), read(0)], [w(0), IN], [c(0), OUT]] },
  { name: 'WAL: COMMIT does not wait for readers', journal: 'wal', connections: 2, steps: [[b(0), OK], [r(0), OK], [b(1, 'immediate'), OK], [w(1), OK], [c(1), OUT], [r(0), read(0, true)]] },
  // When SQLite waits
  {
    name: 'Actifix: three DEFERRED readers try to write; one wins, the others fail at once',
    journal: 'delete',
    connections: 3,
    steps: [[b(0), OK], [b(1), OK], [b(2), OK], [r(0), OK], [r(1), OK], [r(2), OK], [w(0), IN], [w(1), { ...BUSY_AT_ONCE, inTransaction: true }], [w(2), { ...BUSY_AT_ONCE, inTransaction: true }]],
  },
  {
    name: 'Actifix under WAL: the losing readers fail at once too',
    journal: 'wal',
    connections: 3,
    steps: [[b(0), OK], [b(1), OK], [b(2), OK], [r(0), OK], [r(1), OK], [r(2), OK], [w(0), IN], [w(1), BUSY_AT_ONCE], [c(0), OUT], [w(2), SNAPSHOT]],
  },
  { name: 'BEGIN IMMEDIATE asks for the write lock with no transaction open, so it waits', journal: 'delete', connections: 2, steps: [[b(0, 'immediate'), OK], [w(0), OK], [b(1, 'immediate'), BUSY_WAITS]] },
  {
    name: 'rollback-mode deadlock: a reader that wants to write against a writer that wants to commit; only ROLLBACK breaks it',
    journal: 'delete',
    connections: 2,
    steps: [[b(0), OK], [r(0), OK], [b(1), OK], [w(1), OK], [c(1), BUSY_WAITS], [w(0), BUSY_AT_ONCE], [c(1), BUSY_WAITS], [rb(0), OUT], [c(1), OUT]],
  },
  // Errors that are not lock errors
  { name: 'COMMIT with no transaction is SQLITE_ERROR', journal: 'delete', connections: 1, steps: [[c(0), MISUSE(false)]] },
  { name: 'ROLLBACK with no transaction is SQLITE_ERROR', journal: 'wal', connections: 1, steps: [[rb(0), MISUSE(false)]] },
  { name: 'BEGIN inside a transaction is SQLITE_ERROR and leaves it open', journal: 'delete', connections: 1, steps: [[b(0), OK], [b(0, 'immediate'), MISUSE(true)], [w(0), IN], [c(0), OUT]] },
];

function scriptOf(fact: Fact): LockScript {
  return { journal: fact.journal, connections: fact.connections, keys: ['a'], steps: fact.steps.map(([step]) => step) };
}

function assertMatches(outcomes: readonly StepOutcome[], fact: Fact, engine: string, withWouldWait: boolean): void {
  fact.steps.forEach(([step, expect], index) => {
    if (expect === null) return;
    const got = outcomes[index]!;
    for (const [field, value] of Object.entries(expect)) {
      if (field === 'wouldWait' && !withWouldWait) continue;
      assert.deepEqual(
        (got as unknown as Record<string, unknown>)[field],
        value,
        `${engine}, step ${index + 1} (${JSON.stringify(step)}): ${field} is ${JSON.stringify((got as unknown as Record<string, unknown>)[field])}, expected ${JSON.stringify(value)}`,
      );
    }
  });
}

describe('sqlite-facts.md, each fact on the model and on real SQLite', function () {
  this.timeout(60_000);
  for (const fact of FACTS) {
    describe(fact.name, () => {
      it('model', () => assertMatches(predict(scriptOf(fact)), fact, 'model', true));
      it('real SQLite (outcomes with busy timeout 0)', () => assertMatches(runLockScript(scriptOf(fact)), fact, 'real', false));
      if (fact.steps.some(([, e]) => e?.wouldWait !== undefined)) {
        it('real SQLite (whether the busy handler waited, by timing)', () => {
          const timed = measureWouldWait(scriptOf(fact));
          assertMatches(timed.map((t) => (t.waited === undefined ? t.outcome : { ...t.outcome, wouldWait: t.waited })), fact, 'real timed', true);
        });
      }
    });
  }
});
