// The shared-client getter of seed 004 as real async code: under the plain event loop (no driver, the
// production gate) the unguarded getter really creates a client per concurrent caller and the locked one
// exactly one; under the lock-step driver every complete schedule of 2 and 3 tasks takes the model's steps
// and ends in the model's observation.
import assert from 'node:assert/strict';
import { DirectSteps } from '../../impl/async/task-steps.js';
import { ClientFactory, ClientSlot, getClientFromTask, getClientLocked, getClientSync, getClientUnguarded } from '../../impl/singleton/client-getter.js';
import { LoopBoundLock } from '../../impl/async/loop-bound-lock.js';
import { TicketLock } from '../../impl/async/ticket-lock.js';
import { openSingletonRun } from '../../impl/singleton/singleton.real-engine.js';
import { createSingletonModel } from '../../spec/singleton/singleton.model.js';
import { everySchedule, modelRun } from './every-schedule.js';

async function callConcurrently(guard: 'unguarded' | 'locked', tasks: number) {
  const slot = new ClientSlot();
  const factory = new ClientFactory();
  const getClient = guard === 'locked' ? getClientLocked : getClientUnguarded;
  try {
    const clients = await Promise.all(
      Array.from({ length: tasks }, (_, i) => {
        const steps = new DirectSteps(`task-${i}`);
        return getClient(slot, { steps, createClient: factory.forTask(steps) });
      }),
    );
    return { got: clients.map((c) => c.name), created: factory.created.map((c) => c.client), shared: slot.client?.name ?? null };
  } finally {
    factory.closeAll();
  }
}

describe('impl/singleton: the real async getter', function () {
  this.timeout(60_000);

  it('plain event loop, 3 concurrent callers: unguarded creates 3 clients (each caller keeps its own, the slot the last)', async () => {
    assert.deepEqual(await callConcurrently('unguarded', 3), { got: ['client-1', 'client-2', 'client-3'], created: ['client-1', 'client-2', 'client-3'], shared: 'client-3' });
  });

  it('plain event loop, 3 concurrent callers: locked creates 1 client and every caller gets it', async () => {
    assert.deepEqual(await callConcurrently('locked', 3), { got: ['client-1', 'client-1', 'client-1'], created: ['client-1'], shared: 'client-1' });
  });

  it("plain event loop, 3 concurrent callers of upstream's getter (no await in it): 1 client, with no lock", async () => {
    const slot = new ClientSlot();
    const factory = new ClientFactory();
    try {
      const got = await Promise.all(Array.from({ length: 3 }, (_, i) => getClientFromTask(new DirectSteps(`task-${i}`), 'get_client()', () => getClientSync(slot, factory.maker(`task-${i}`)))));
      assert.deepEqual(got.map((c) => c.name), ['client-1', 'client-1', 'client-1']);
      assert.deepEqual(factory.created, [{ client: 'client-1', by: 'task-0' }]);
    } finally {
      factory.closeAll();
    }
  });

  it("the loop-bound asyncio lock: the fast path ignores the loop, the first waiter binds it, another loop's waiter is refused, release hands over", () => {
    const i32 = new Int32Array(new SharedArrayBuffer(LoopBoundLock.words(3) * 4));
    LoopBoundLock.init(i32, 0);
    const lock = new LoopBoundLock(i32, 0, 3);
    assert.deepEqual(lock.acquire(0, 0), { kind: 'acquired' });
    assert.deepEqual(lock.acquire(1, 1), { kind: 'queued', holder: 0, bound: true });
    assert.deepEqual(lock.acquire(2, 2), { kind: 'refused', boundTo: 1 });
    assert.equal(lock.release(0), 1);
    assert.equal(lock.isHandedTo(1), true);
    assert.equal(lock.canResume(1, 1), false, "handed over from thread 0's loop: thread 1's loop is not woken");
    assert.equal(lock.release(1), null);
    assert.deepEqual(lock.acquire(2, 2), { kind: 'acquired' }, 'free and nobody waiting: taken without looking at the loop');
    assert.deepEqual(lock.acquire(0, 0), { kind: 'refused', boundTo: 1 }, 'the binding stays');
  });

  it('the ticket lock: first come first served, release hands over', () => {
    const lock = new TicketLock(new Int32Array(new SharedArrayBuffer(TicketLock.words(3) * 4)), 0, 3);
    assert.deepEqual(lock.acquire(0), { kind: 'acquired', ticket: 0 });
    assert.deepEqual(lock.acquire(1), { kind: 'queued', ticket: 1, holder: 0 });
    assert.equal(lock.release(), 1);
    assert.equal(lock.isServing(1), true);
    assert.equal(lock.release(), null);
  });

  for (const guard of ['unguarded', 'locked'] as const) {
    for (const tasks of [2, 3]) {
      it(`lock-step, ${guard}, ${tasks} tasks: every complete schedule agrees with the model step by step and in the end`, async () => {
        const model = createSingletonModel({ tasks, guard });
        const schedules = everySchedule(model);
        assert.ok(schedules.length > 1);
        for (const schedule of schedules) {
          const expected = modelRun(model, schedule);
          const run = await openSingletonRun({ tasks, guard });
          try {
            const records = [];
            for (const actor of schedule) records.push(await run.step(actor));
            assert.deepEqual(records, expected.records, `schedule [${schedule.join(',')}]`);
            assert.deepEqual(run.observe(), expected.observation, `schedule [${schedule.join(',')}]`);
            assert.ok(run.actors.every((_, a) => run.finished(a)));
          } finally {
            await run.close();
          }
        }
      });
    }
  }
});
