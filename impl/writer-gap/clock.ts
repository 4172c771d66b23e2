/**
 * Time for the storage backend: timestamps for its rows, the pause between two polls of a polling waiter and
 * the notification thread's sleep between two polls. Injected, so that under the lock-step driver no real time
 * passes: there the schedule decides when a sleeper wakes, so a sleep is over at once and only moves virtual
 * time forward by its length.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Virtual time for one lock-step run, in milliseconds from 0: a sleep is over at once and moves the time by its
 * length. With the notifier, its sleeps are the only ones, so its n-th poll happens at n poll intervals (the
 * model's clock does the same: idle polls are never scheduled). A polling waiter's sleeps move it too, but
 * nothing shows the time in that mode.
 */
export class VirtualClock implements Clock {
  private time = 0;

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    this.time += ms;
    return Promise.resolve();
  }
}
