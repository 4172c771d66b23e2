/**
 * Time for the storage backend: timestamps for its rows and the pause between two polls of a waiter. Injected,
 * so that under the lock-step driver no real time passes: there the schedule decides when a waiter looks again
 * (the model lets it poll again only once the operation is completed), so the pause is over at once.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Virtual time for lock-step runs: it stands still, and a sleep is over at once. */
export const stillClock: Clock = {
  now: () => 0,
  sleep: () => Promise.resolve(),
};
