// The asyncio-style lock of impl/async (FIFO, no barging, hand-over on release), its awaiting form under the
// plain event loop, and the lock-step driver's contract for a task that waits for it: scheduling a waiting task
// before the lock is handed to it is an error the run reports, never a hang.
import assert from 'node:assert/strict';
import { AsyncMutex } from '../../impl/async/async-mutex.js';
import { DirectSteps, RecordingSteps } from '../../impl/async/task-steps.js';
import { withLock } from '../../impl/async/with-lock.js';
import { LockStepGates } from '../../impl/gate/step-gate.js';

describe('impl/async: the asyncio-style lock', () => {
  it('serves waiters first come first served and hands the lock over on release', () => {
    const lock = new AsyncMutex();
    assert.deepEqual(lock.acquire('a'), { kind: 'acquired' });
    const b = lock.acquire('b');
    const c = lock.acquire('c');
    assert.equal(b.kind === 'queued' && b.holder, 'a');
    assert.equal(c.kind === 'queued' && c.holder, 'a');
    assert.deepEqual(lock.waiters, ['b', 'c']);
    assert.equal(lock.release('a'), 'b');
    assert.equal(lock.holder, 'b');
    assert.equal(lock.release('b'), 'c');
    assert.equal(lock.release('c'), null);
    assert.equal(lock.holder, null);
  });

  it('never lets a newcomer barge in while a waiter is queued', () => {
    const lock = new AsyncMutex();
    lock.acquire('a');
    lock.acquire('b');
    lock.release('a');
    const late = lock.acquire('d');
    assert.equal(late.kind, 'queued');
    assert.equal(late.kind === 'queued' && late.holder, 'b');
  });

  it('refuses a release by a task that does not hold it', () => {
    const lock = new AsyncMutex();
    lock.acquire('a');
    assert.throws(() => lock.release('b'), /b released a lock held by a/);
  });

  it('the awaiting form serializes real async critical sections in arrival order', async () => {
    const lock = new AsyncMutex();
    const order: string[] = [];
    const section = async (name: string): Promise<void> => {
      await withLock(lock, new DirectSteps(name), async () => {
        order.push(`${name} in`);
        await new Promise((resolve) => setImmediate(resolve));
        order.push(`${name} out`);
      });
    };
    await Promise.all(['a', 'b', 'c'].map(section));
    assert.deepEqual(order, ['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
    assert.equal(lock.holder, null);
  });

  it('lock-step: a waiting task scheduled before the lock is handed to it fails with the contract error, no hang', async () => {
    const lock = new AsyncMutex();
    const gates = new LockStepGates(['task-0', 'task-1']);
    const steps = [0, 1].map((i) => new RecordingSteps(`task-${i}`, gates.gate(i)));
    for (const i of [0, 1]) await gates.start(i, () => withLock(lock, steps[i]!, async () => steps[i]!.access('work', () => 'done')));
    await gates.step(0); // task-0 acquires
    await gates.step(1); // task-1 queues and parks in wait
    assert.equal(steps[1]!.waiting, true);
    assert.deepEqual(steps[1]!.records, [{ action: 'acquire lock', outcome: 'held by task-0, waits' }]);
    await gates.step(1); // picked too early
    assert.equal(gates.status(1), 'failed');
    assert.match(String(gates.error(1)), /task-1 was scheduled while it still waits \(wait for lock\)/);
  });
});
