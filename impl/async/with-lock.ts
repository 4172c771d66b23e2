/**
 * `async with lock:` for TaskSteps code: acquire (one step; a task that finds the lock taken queues and then
 * waits at its gate for the hand-over, a second step), run the body, release (one step), also when the body
 * throws. The step words are the ones the models print.
 */
import type { AsyncMutex } from './async-mutex.js';
import type { TaskSteps } from './task-steps.js';

export async function withLock<T>(lock: AsyncMutex, steps: TaskSteps, body: () => Promise<T>): Promise<T> {
  const attempt = await steps.access('acquire lock', () => lock.acquire(steps.name), (a) => (a.kind === 'acquired' ? 'acquired' : `held by ${a.holder}, waits`));
  if (attempt.kind === 'queued') await steps.wait('wait for lock', attempt.handedOver, () => 'acquired');
  try {
    return await body();
  } finally {
    await steps.access('release lock', () => lock.release(steps.name), (next) => (next === null ? 'free' : `handed to ${next}`));
  }
}
