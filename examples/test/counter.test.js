import assert from 'node:assert/strict';
import { explore } from 'lockstep';
import { atomicUpdate, beginImmediate, readModifyWrite } from '../counter/counter.scenario.js';

describe('an async hit counter under two concurrent requests', () => {
  it('read, await, write back: loses an update', async () => {
    const found = await explore(readModifyWrite);
    assert.equal(found.verdict, 'violation', found.report);
    assert.match(found.message, /counted 1 hit/);
    console.log(found.report.replace(/^/gm, '    '));
  });

  it('an atomic UPDATE holds', async () => {
    const held = await explore(atomicUpdate);
    assert.equal(held.verdict, 'holds', held.report);
  });

  it('BEGIN IMMEDIATE around the read and the write holds', async () => {
    const held = await explore(beginImmediate);
    assert.equal(held.verdict, 'holds', held.report);
  });
});
