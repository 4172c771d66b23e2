// Two concurrent requests on the async runtime: each is an async function with its own connection.
import assert from 'node:assert/strict';
import { defineScenario } from 'lockstep';
import { countHitAtomic, countHitImmediate, countHitReadModifyWrite } from './request-handler.js';

function twoRequests(name, handler) {
  return defineScenario({
    name,
    runtime: 'async',
    setup(db) {
      db.exec('CREATE TABLE pages (id INTEGER PRIMARY KEY, hits INTEGER NOT NULL); INSERT INTO pages VALUES (1, 0)');
    },
    actors: {
      'request-a': (ctx) => handler(ctx.open(), () => ctx.point('other-service')),
      'request-b': (ctx) => handler(ctx.open(), () => ctx.point('other-service')),
    },
    check({ db }) {
      const { hits } = db.prepare('SELECT hits FROM pages WHERE id = 1').get();
      assert.equal(hits, 2, `two requests counted ${hits} hit(s)`);
    },
  });
}

export const readModifyWrite = twoRequests('hits-read-modify-write', countHitReadModifyWrite);
export const atomicUpdate = twoRequests('hits-atomic-update', countHitAtomic);
export const beginImmediate = twoRequests('hits-begin-immediate', countHitImmediate);
