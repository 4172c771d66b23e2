/**
 * Upstream's getter (seed 004, http/client.py) called from worker threads, each with its own event loop, over
 * the shared slot (shared-client-slot.ts): check the slot, make the client if it is empty, store it, with no
 * await in between; bare (f68737a), under upstream's module-level asyncio lock (5cb4a38), or under a thread
 * lock (lockstep's fix). On a thread a switch can come between any two of those accesses, which on one event
 * loop cannot happen. Every shared access passes the thread's gate (ThreadSteps).
 */
import { Agent } from 'node:http';
import { LoopBindingError } from '../async/loop-bound-lock.js';
import type { ThreadSteps } from '../async/thread-steps.js';
import type { SharedClientSlot } from './shared-client-slot.js';

export type ThreadGetterLock = 'none' | 'asyncio' | 'thread';

const clientName = (id: number): string => `client-${id}`;
const callerName = (index: number): string => `task-${index}`;

/**
 * Makes this thread's clients: a real keep-alive pool each (an http.Agent, living in the thread that made it),
 * numbered in the shared record; `closeAll` ends them when the thread ends.
 */
export class ThreadClients {
  private readonly agents: Agent[] = [];

  constructor(private readonly slot: SharedClientSlot) {}

  make(by: number): number {
    this.agents.push(new Agent({ keepAlive: true }));
    return this.slot.recordCreated(by);
  }

  closeAll(): void {
    for (const agent of this.agents) agent.destroy();
  }
}

/** The getter's body: check, make, store. */
function checkMakeStore(slot: SharedClientSlot, steps: ThreadSteps, clients: ThreadClients): number {
  const current = steps.access('read client', () => slot.client, (id) => (id === null ? 'none' : clientName(id)));
  if (current !== null) return current;
  const made = steps.access('create client', () => clients.make(steps.index), clientName);
  steps.access('assign client', () => slot.assign(made), (replaced) => (replaced === null ? clientName(made) : `${clientName(made)}, replaces ${clientName(replaced)}`));
  return made;
}

/** `get_client()` on a thread; returns the client's number. The asyncio lock may raise LoopBindingError. */
export function getClientOnThread(slot: SharedClientSlot, steps: ThreadSteps, clients: ThreadClients, lock: ThreadGetterLock): number {
  switch (lock) {
    case 'none':
      return checkMakeStore(slot, steps, clients);
    case 'asyncio': {
      // Each worker thread runs its own event loop: the loop is the thread's.
      const loop = steps.index;
      const attempt = steps.access('acquire lock', () => slot.asyncioLock.acquire(steps.index, loop), (a) => {
        switch (a.kind) {
          case 'acquired':
            return 'acquired';
          case 'queued':
            return `held by ${callerName(a.holder)}, waits${a.bound ? ` (binds the lock to ${callerName(loop)}'s loop)` : ''}`;
          case 'refused':
            return `RuntimeError: the lock is bound to ${callerName(a.boundTo)}'s loop`;
        }
      });
      if (attempt.kind === 'refused') throw new LoopBindingError(attempt.boundTo);
      if (attempt.kind === 'queued') {
        steps.wait('wait for lock', () => slot.asyncioLock.canResume(steps.index, loop), () => slot.asyncioLock.blockUntilResumable(steps.index, loop), 'acquired');
      }
      try {
        return checkMakeStore(slot, steps, clients);
      } finally {
        steps.access('release lock', () => slot.asyncioLock.release(loop), (next) => (next === null ? 'free' : `handed to ${callerName(next)}`));
      }
    }
    case 'thread': {
      const attempt = steps.access('acquire lock', () => slot.threadLock.acquire(steps.index), (a) => (a.kind === 'acquired' ? 'acquired' : `held by ${callerName(a.holder)}, waits`));
      if (attempt.kind === 'queued') {
        steps.wait('wait for lock', () => slot.threadLock.isServing(attempt.ticket), () => slot.threadLock.blockUntilServed(attempt.ticket), 'acquired');
      }
      try {
        return checkMakeStore(slot, steps, clients);
      } finally {
        steps.access('release lock', () => slot.threadLock.release(), (next) => (next === null ? 'free' : `handed to ${callerName(next)}`));
      }
    }
  }
}
