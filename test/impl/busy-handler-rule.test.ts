/**
 * The rule by which every real engine decides "SQLITE_BUSY, waits" versus "at once" (impl/lock-step/
 * busy-handler-rule.ts), checked directly against real blocking: scripts run on real connections with a real
 * busy timeout, every busy statement is timed, and the rule, fed only what the real run showed (the statement's
 * kind, its code, and whether the connection held a read transaction, tracked as the engines' statement runners
 * track it), must say "waits" exactly when SQLite's busy handler slept.
 */
import assert from 'node:assert/strict';
import { busyHandlerWouldWait, type StatementKind } from '../../impl/lock-step/busy-handler-rule.js';
import { measureWouldWait, sampleScripts, type RealLockScript, type RealLockStep } from '../../impl/lock-step/index.js';

function kindOf(step: RealLockStep): StatementKind {
  switch (step.op) {
    case 'begin':
      return `begin-${step.mode}`;
    case 'read':
    case 'write':
    case 'commit':
    case 'rollback':
      return step.op;
  }
}

/** The refusals that come back at once (a reader asking to become the writer), which random scripts meet rarely. */
const AT_ONCE: readonly RealLockScript[] = (['delete', 'wal'] as const).flatMap((journal) => [
  {
    journal,
    connections: 2,
    keys: ['a'],
    steps: [
      { conn: 0, op: 'begin', mode: 'deferred' },
      { conn: 0, op: 'read', key: 'a' },
      { conn: 1, op: 'begin', mode: 'deferred' },
      { conn: 1, op: 'read', key: 'a' },
      { conn: 0, op: 'write', key: 'a' },
      { conn: 1, op: 'write', key: 'a' },
      { conn: 1, op: 'rollback' },
      { conn: 0, op: 'commit' },
    ],
  },
  {
    journal,
    connections: 2,
    keys: ['a'],
    steps: [
      { conn: 1, op: 'begin', mode: 'deferred' },
      { conn: 1, op: 'read', key: 'a' },
      { conn: 0, op: 'write', key: 'a' },
      { conn: 1, op: 'write', key: 'a' },
      { conn: 1, op: 'begin', mode: 'immediate' },
      { conn: 1, op: 'rollback' },
    ],
  },
]);

describe('busy-handler rule against real blocking', function () {
  this.timeout(300_000);

  it('says "waits" exactly when SQLite slept in its busy handler, on every busy statement of 60 varied scripts and 4 made to be refused at once', () => {
    let busy = 0;
    let waited = 0;
    for (const script of [...AT_ONCE, ...sampleScripts(60, 2026, { maxConnections: 4, maxSteps: 24 })]) {
      const timed = measureWouldWait(script, { timeoutMs: 100 });
      const holdsRead = Array.from({ length: script.connections }, () => false);
      script.steps.forEach((step, i) => {
        const { outcome, waited: slept } = timed[i]!;
        const kind = kindOf(step);
        if (slept !== undefined) {
          busy += 1;
          if (slept) waited += 1;
          const said = busyHandlerWouldWait(script.journal, kind, outcome.code ?? '', holdsRead[step.conn]!);
          assert.equal(said, slept, `step ${i + 1} of ${JSON.stringify(script)}: rule says ${said ? 'waits' : 'at once'}, SQLite ${slept ? 'slept' : 'did not'}`);
        }
        // As the statement runners track it: a transaction that read (or began IMMEDIATE/EXCLUSIVE) holds a read
        // transaction until it ends; a failure that closed the transaction leaves none.
        if (outcome.status === 'ok') {
          if (kind === 'begin-deferred' || kind === 'commit' || kind === 'rollback') holdsRead[step.conn] = false;
          else if (kind === 'begin-immediate' || kind === 'begin-exclusive') holdsRead[step.conn] = true;
          else holdsRead[step.conn] = outcome.inTransaction;
        } else if (!outcome.inTransaction) {
          holdsRead[step.conn] = false;
        }
      });
    }
    assert.ok(waited > 10 && busy - waited >= 4, `both kinds of busy were met (busy ${busy}, waited ${waited})`);
  });
});
