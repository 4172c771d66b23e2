/**
 * One thread's virtual clock: @sinonjs/fake-timers installed on this thread's globals (FAKED_GLOBALS of
 * clock-plan.ts) for the length of one run, with the few operations the runtimes need. Times here are virtual
 * ms since the run started (the offset); `Date.now()` reads `start + offset`, `performance.now()` the offset.
 *
 * Contract: at most one virtual clock is installed per thread at a time (a second install is refused: two
 * async explorations at once in one thread would share the globals), and whoever installs it uninstalls it
 * when the run closes, also on failure, so that nothing after the run (mocha, fast-check, lockstep's own
 * scheduling, the user's next test) runs on fake time. Node's ESM views of node:timers and node:timers/promises
 * are resynchronised on both occasions (module.syncBuiltinESMExports), so `import { setTimeout } from
 * 'node:timers/promises'` sleeps on the virtual clock too.
 */
import FakeTimers from '@sinonjs/fake-timers';
import { syncBuiltinESMExports } from 'node:module';
import { FAKED_GLOBALS } from './clock-plan.js';

type SinonClock = ReturnType<typeof FakeTimers.install>;
type SinonTimer = NonNullable<SinonClock['timers']> extends Map<number, infer T> ? T : never;

/** A pending timer: its id and when it fires (virtual ms since the run started). */
export interface PendingTimer {
  readonly id: number;
  readonly at: number;
}

let installed: VirtualClock | null = null;

/** Whether this thread has a virtual clock installed now. */
export const virtualClockInstalled = (): boolean => installed !== null;

export class VirtualClock {
  private uninstalled = false;
  /** The fake clock's time in ms since the epoch; `sinon.now` reads and writes it through an accessor that counts reads. */
  private epochNow: number;
  private reads = 0;

  private constructor(
    private readonly sinon: SinonClock,
    /** `Date.now()` when the run started. */
    readonly start: number,
  ) {
    this.epochNow = sinon.now;
    // Every reading of the time (Date, performance.now, hrtime, and setTimeout, which computes when to fire)
    // goes through the fake clock's `now`: counting them tells whether a step of user code looked at the clock.
    Object.defineProperty(sinon, 'now', {
      configurable: true,
      enumerable: true,
      get: () => {
        this.reads++;
        return this.epochNow;
      },
      set: (value: number) => {
        this.epochNow = value;
      },
    });
  }

  /** Installs the clock on this thread's globals at `start` (ms since the epoch). */
  static install(start: number): VirtualClock {
    if (installed !== null) throw new Error('a lockstep run is already open in this thread with its virtual clock installed: run one exploration at a time per thread');
    const sinon = FakeTimers.install({ now: start, toFake: [...FAKED_GLOBALS], loopLimit: 10_000 });
    syncBuiltinESMExports();
    installed = new VirtualClock(sinon, start);
    return installed;
  }

  /** Virtual ms since the run started. */
  get now(): number {
    return this.epochNow - this.start;
  }

  /**
   * What user code did to the clock since the last call: whether it read the time, and whether the set of
   * pending timers changed (compared with `before`, the ids then). For reduction: a step that did neither commutes
   * with a clock step.
   */
  touchedSince(before: ReadonlySet<number>): { readonly readTime: boolean; readonly changedTimers: boolean } {
    const readTime = this.reads > 0;
    this.reads = 0;
    const now = this.timerIds();
    const changedTimers = now.size !== before.size || [...now].some((id) => !before.has(id));
    return { readTime, changedTimers };
  }

  /** Starts counting reads afresh (at a hand-over). */
  resetReads(): void {
    this.reads = 0;
  }

  /** The timer that fires first (by time, then by creation), or null. */
  nextTimer(): PendingTimer | null {
    let first: SinonTimer | null = null;
    for (const timer of this.timers()) {
      if (first === null || (timer.callAt ?? 0) < (first.callAt ?? 0) || ((timer.callAt ?? 0) === (first.callAt ?? 0) && (timer.id ?? 0) < (first.id ?? 0))) first = timer;
    }
    return first === null ? null : { id: first.id ?? 0, at: (first.callAt ?? 0) - this.start };
  }

  /** Ids of every pending timer. */
  timerIds(): Set<number> {
    return new Set(Array.from(this.timers(), (t) => t.id ?? 0));
  }

  /** When timer `id` fires, or null when it is gone (fired or cleared). */
  timerAt(id: number): number | null {
    const timer = this.sinon.timers?.get(id);
    return timer === undefined ? null : (timer.callAt ?? 0) - this.start;
  }

  /** Moves the clock to the first timer's time and runs its callback (synchronously). */
  fireNext(): void {
    this.sinon.next();
  }

  /** Fires, one by one, every timer whose time has come (they run now: the thread is free). */
  fireDue(stillFree: () => boolean): void {
    for (;;) {
      const next = this.nextTimer();
      if (next === null || next.at > this.now || !stillFree()) return;
      this.sinon.next();
    }
  }

  /** Moves the clock forward to `offset`; the caller has made sure that no timer is due before it. */
  moveTo(offset: number): void {
    const delta = offset - this.now;
    if (delta > 0) this.sinon.tick(delta);
  }

  /**
   * Moves the clock forward to `offset` without running any callback, for a thread that is busy (stopped inside a
   * synchronous statement call, where no callback can run): a timer whose time passes meanwhile becomes due at
   * `offset` and fires when the thread is next free (fireDue), late, as a real timer of a busy thread does.
   * fake-timers has no public call for this (tick and jump run the callbacks at once), so it is done on its
   * timer heap here, the one place that reaches inside it; test/impl/virtual-clock.test.ts pins the behaviour.
   */
  moveLeavingDue(offset: number): void {
    if (offset <= this.now) return;
    const to = this.start + offset;
    const heap = this.sinon.timerHeap;
    const overdue = Array.from(this.timers()).filter((t) => (t.callAt ?? 0) < to);
    overdue.sort((a, b) => (a.callAt ?? 0) - (b.callAt ?? 0) || (a.id ?? 0) - (b.id ?? 0));
    for (const timer of overdue) {
      heap?.remove(timer);
      timer.callAt = to;
      heap?.push(timer);
    }
    this.epochNow = to;
  }

  /** Clears timers (those an actor left behind when it finished: they never fire). */
  clear(ids: Iterable<number>): void {
    if (this.uninstalled) return;
    // fake-timers clears an interval through clearTimeout too, as Node does.
    for (const id of ids) this.sinon.clearTimeout(id);
  }

  /** Puts the real globals back (idempotent). Pending timers are dropped. */
  uninstall(): void {
    if (this.uninstalled) return;
    this.uninstalled = true;
    this.sinon.uninstall();
    syncBuiltinESMExports();
    if (installed === this) installed = null;
  }

  private timers(): IterableIterator<SinonTimer> {
    return (this.sinon.timers ?? new Map<number, SinonTimer>()).values();
  }
}
