/**
 * The wall-clock timers as they were when lockstep was loaded, before any virtual clock was installed. While a
 * run is open its thread's `setTimeout`, `Date` and `performance` are the virtual clock's (virtual-clock.ts), so
 * lockstep's own waits (the stall bound, the wait for an actor thread's message) take these instead: they must
 * run on real time, whatever the user's code sees. `setImmediate` is never faked, so it needs no copy.
 */
export const realSetTimeout: typeof setTimeout = globalThis.setTimeout;
export const realClearTimeout: typeof clearTimeout = globalThis.clearTimeout;
