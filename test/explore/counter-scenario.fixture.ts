/**
 * An async request handler as a user would write it: read a counter, await something (a network call, marked
 * as a scheduling point), write the counter back. Two concurrent requests lose an update; an atomic UPDATE and a
 * BEGIN IMMEDIATE transaction are two fixes.
 */
import assert from 'node:assert/strict';
import { defineScenario, type AsyncActorContext, type AsyncGatedDatabase } from '../../sim/index.js';

type Handler = (db: AsyncGatedDatabase, point: (label: string) => Promise<void>) => Promise<void>;

const readModifyWrite: Handler = async (db, point) => {
  const row = (await db.prepare('SELECT hits FROM counter WHERE id = 1').get()) as { hits: number };
  await point('network');
  await db.prepare('UPDATE counter SET hits = ? WHERE id = 1').run(row.hits + 1);
};

const atomicUpdate: Handler = async (db, point) => {
  await point('network');
  await db.prepare('UPDATE counter SET hits = hits + 1 WHERE id = 1').run();
};

const immediateTransaction: Handler = async (db, point) => {
  await db.transaction(async () => {
    const row = (await db.prepare('SELECT hits FROM counter WHERE id = 1').get()) as { hits: number };
    await point('network');
    await db.prepare('UPDATE counter SET hits = ? WHERE id = 1').run(row.hits + 1);
  }).immediate();
};

export function counterScenario(name: string, handler: Handler, requests = 2) {
  return defineScenario({
    name,
    runtime: 'async',
    setup(db) {
      db.exec('CREATE TABLE counter (id INTEGER PRIMARY KEY, hits INTEGER NOT NULL); INSERT INTO counter VALUES (1, 0)');
    },
    actors: Object.fromEntries(
      Array.from({ length: requests }, (_, i) => [`request-${i}`, async (ctx: AsyncActorContext) => handler(ctx.open(), (label) => ctx.point(label))]),
    ),
    check({ db }) {
      const { hits } = db.prepare('SELECT hits FROM counter WHERE id = 1').get() as { hits: number };
      assert.equal(hits, requests, `${requests} requests but the counter says ${hits}: an update was lost`);
    },
  });
}

export const lostUpdate = counterScenario('counter-read-modify-write', readModifyWrite);
export const atomic = counterScenario('counter-atomic-update', atomicUpdate);
export const immediate = counterScenario('counter-begin-immediate', immediateTransaction);
