/**
 * Scenarios that use time, for test/explore/clock.test.ts: threads scenarios must be defined at the top level of
 * a module that worker threads import, so they live here.
 */
import type Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { defineScenario, type ThreadActorContext } from '../../sim/index.js';

const SEEN = 'CREATE TABLE seen (actor TEXT NOT NULL, at INTEGER NOT NULL, perf REAL NOT NULL)';
export const ONE_CLOCK_START = Date.UTC(2030, 0, 1);

/** What the main thread read after each step (the invariant runs there): Date.now() and performance.now(). */
export const mainThreadReadings: { step: number; at: number; perf: number }[] = [];

/** Two threads each record the time twice, read inside the statement (a SQL function run by the thread). */
function recordTwice(ctx: ThreadActorContext): void {
  const db = ctx.open();
  db.function('now_ms', () => Date.now());
  db.function('perf_ms', () => performance.now());
  const insert = db.prepare('INSERT INTO seen (actor, at, perf) VALUES (?, now_ms(), perf_ms())');
  insert.run(ctx.actor);
  insert.run(ctx.actor);
}

export const oneClock = defineScenario({
  name: 'one-clock',
  runtime: 'threads',
  module: import.meta.url,
  clock: { start: ONE_CLOCK_START, advances: [60_000], maxAdvances: 2 },
  setup: (db: Database.Database) => db.exec(SEEN),
  actors: { 'thread-a': recordTwice, 'thread-b': recordTwice },
  invariant({ step }) {
    mainThreadReadings.push({ step, at: Date.now(), perf: performance.now() });
  },
});

/** A thread that sleeps on a timer before its statement, and one that does not. */
export const sleepyThreads = defineScenario({
  name: 'sleepy-threads',
  runtime: 'threads',
  module: import.meta.url,
  setup: (db: Database.Database) => db.exec(SEEN),
  actors: {
    napper: async (ctx) => {
      const db = ctx.open();
      await new Promise((resolve) => setTimeout(resolve, 90_000));
      db.prepare('INSERT INTO seen (actor, at, perf) VALUES (?, ?, ?)').run(ctx.actor, Date.now(), performance.now());
    },
    busy: (ctx) => {
      ctx.open().prepare('INSERT INTO seen (actor, at, perf) VALUES (?, ?, ?)').run(ctx.actor, Date.now(), performance.now());
    },
  },
  check({ db }) {
    const napper = db.prepare("SELECT at FROM seen WHERE actor = 'napper'").get() as { at: number } | undefined;
    return napper?.at === 90_000 || `the napper wrote at ${String(napper?.at)}`;
  },
});

/** A native sleep that lockstep cannot advance: Atomics.wait on a buffer of the thread's own. */
export const nativeSleep = defineScenario({
  name: 'native-sleep',
  runtime: 'threads',
  module: import.meta.url,
  setup: (db: Database.Database) => db.exec(SEEN),
  actors: {
    sleeper: (ctx) => {
      const db = ctx.open();
      db.prepare("INSERT INTO seen VALUES ('sleeper', 0, 0)").run();
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30_000); // lockstep terminates the thread first
      db.prepare("INSERT INTO seen VALUES ('sleeper', 1, 0)").run();
    },
  },
});

/** A child process lockstep cannot advance (it sleeps for real). */
export const childProcess = defineScenario({
  name: 'child-process',
  runtime: 'async',
  setup: (db: Database.Database) => db.exec(SEEN),
  actors: {
    spawner: async (ctx) => {
      const db = ctx.open();
      await db.prepare("INSERT INTO seen VALUES ('spawner', 0, 0)").run();
      await new Promise((resolve) => execFile(process.execPath, ['-e', 'setTimeout(() => {}, 1500)'], resolve));
      await db.prepare("INSERT INTO seen VALUES ('spawner', 1, 0)").run();
    },
  },
});
