/**
 * A stale-lock child process: a real process running the real lock code (pid-lock-file.ts) on real files.
 * Forked by the parent with an IPC channel; it runs one program at a time, as the parent asks:
 * - lock-step: acquire then release, parking before every file-system step (it sends 'parked' and waits for
 *   'go'), so the parent's schedule decides which process moves;
 * - race: the same program with no gates, started at an agreed instant, holding the lock until 'release';
 * - hold: take the lock in some paths and wait, to be killed (the crashed holder).
 * It exits when the parent goes away (the channel disconnects).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { PidLockFile } from './pid-lock-file.js';
import type { Belief, ChildMessage, ParentMessage } from './protocol.js';

const send = (message: ChildMessage): void => {
  process.send?.(message);
};

let onGo: (() => void) | null = null;
let onRelease: (() => void) | null = null;

function spin(microseconds: number): Promise<void> {
  const until = process.hrtime.bigint() + BigInt(Math.round(microseconds * 1000));
  while (process.hrtime.bigint() < until) {
    /* spin */
  }
  return Promise.resolve();
}

function stepsSince(lock: PidLockFile, from: { sent: number }) {
  const steps = lock.steps.slice(from.sent);
  from.sent = lock.steps.length;
  return steps;
}

async function lockStep(lockPath: string, message: Extract<ParentMessage, { type: 'lock-step' }>): Promise<void> {
  let belief: Belief = 'trying';
  const cursor = { sent: 0 };
  const lock: PidLockFile = new PidLockFile(lockPath, {
    ...message.settings,
    backoffMs: 0,
    sleep: () => Promise.resolve(),
    gate: () =>
      new Promise<void>((resolve) => {
        onGo = resolve;
        send({ type: 'parked', steps: stepsSince(lock, cursor), belief });
      }),
  });
  if (await lock.acquire()) {
    belief = 'holding';
    await lock.release();
    belief = 'released';
  } else {
    belief = 'gave-up';
  }
  send({ type: 'finished', steps: stepsSince(lock, cursor), belief });
}

async function race(message: Extract<ParentMessage, { type: 'race' }>): Promise<void> {
  const lock = new PidLockFile(message.lockPath, {
    ...message.settings,
    backoffMs: message.backoffMs,
    // A random pause in [0, jitterUs) µs, as a busy wait, not a timer: timer wake-ups land on the event loop's
    // millisecond ticks and would line the contenders up again.
    ...(message.jitterUs > 0 ? { pauseAfterCheck: () => spin(Math.random() * message.jitterUs) } : {}),
    sleep: (ms) => sleep(ms),
    gate: () => Promise.resolve(),
    clock: () => process.hrtime.bigint(),
  });
  // Everyone waits for the same instant, so the contenders start within microseconds of each other: asleep
  // until a millisecond before (a sleeper is scheduled promptly when it wakes; a long spinner on a loaded
  // machine is not), then spinning.
  const startAt = BigInt(message.startAtNs);
  const early = Number(startAt - process.hrtime.bigint()) / 1e6 - 1;
  if (early > 0) await sleep(early);
  while (process.hrtime.bigint() < startAt) {
    /* spin */
  }
  const startedNs = String(process.hrtime.bigint());
  const held = await lock.acquire();
  const acquiredSteps = lock.steps.slice();
  if (held) {
    const released = new Promise<void>((resolve) => (onRelease = resolve));
    send({ type: 'acquired', steps: acquiredSteps, held, startedNs });
    await released;
    await lock.release();
  } else {
    send({ type: 'acquired', steps: acquiredSteps, held, startedNs });
  }
  send({ type: 'finished', steps: lock.steps.slice(acquiredSteps.length), belief: held ? 'released' : 'gave-up' });
}

async function hold(message: Extract<ParentMessage, { type: 'hold' }>): Promise<void> {
  for (const path of message.lockPaths) {
    const lock = new PidLockFile(path, { ...message.settings, maxTries: 1, backoffMs: 0, sleep: () => Promise.resolve(), gate: () => Promise.resolve() });
    if (!(await lock.acquire())) throw new Error(`the holder could not take ${path}`);
  }
  send({ type: 'holding-all', pid: process.pid });
  // Now it waits, holding every lock, until the parent kills it.
}

function fail(error: unknown): void {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}

process.on('message', (message: ParentMessage) => {
  switch (message.type) {
    case 'lock-step':
      lockStep(message.lockPath, message).catch(fail);
      return;
    case 'go': {
      const go = onGo;
      onGo = null;
      if (go === null) fail(new Error('go while not parked'));
      else go();
      return;
    }
    case 'race':
      race(message).catch(fail);
      return;
    case 'release': {
      const release = onRelease;
      onRelease = null;
      release?.();
      return;
    }
    case 'hold':
      hold(message).catch(fail);
      return;
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', pid: process.pid });
