/**
 * impl/runtime/virtual-clock.ts and clock-plan.ts: the one place that reaches inside @sinonjs/fake-timers
 * (moveLeavingDue) is pinned here, with install/uninstall, the read counting used for reduction, and the words and
 * numbers reports use for time.
 */
import assert from 'node:assert/strict';
import { clockChoiceNames, clockKey, clockPlanOf, formatClock, formatDuration } from '../../impl/runtime/clock-plan.js';
import { VirtualClock, virtualClockInstalled } from '../../impl/runtime/virtual-clock.js';

const RealDate = Date;

describe('virtual clock', () => {
  afterEach(() => {
    assert.equal(virtualClockInstalled(), false, 'a test left a clock installed');
    assert.equal(Date, RealDate);
  });

  it('installs on the globals at its start, refuses a second install, and uninstalls to the real globals', () => {
    const clock = VirtualClock.install(1_000_000);
    try {
      assert.equal(Date.now(), 1_000_000);
      assert.equal(performance.now(), 0);
      assert.throws(() => VirtualClock.install(0), /already open in this thread/);
    } finally {
      clock.uninstall();
    }
    assert.ok(Date.now() > 1_600_000_000_000);
    clock.uninstall(); // idempotent
  });

  it('moveLeavingDue: a timer whose time passes while the thread is busy does not fire then, and fires late when the thread is free', () => {
    const clock = VirtualClock.install(0);
    try {
      const fired: number[] = [];
      setTimeout(() => fired.push(Date.now()), 100);
      setTimeout(() => fired.push(Date.now()), 900);
      clock.moveLeavingDue(500);
      assert.equal(Date.now(), 500);
      assert.deepEqual(fired, []);
      assert.deepEqual(clock.nextTimer()?.at, 500);
      clock.fireDue(() => true);
      assert.deepEqual(fired, [500]);
      assert.equal(clock.nextTimer()?.at, 900);
      clock.moveTo(899);
      assert.deepEqual(fired, [500]);
      clock.fireNext();
      assert.deepEqual(fired, [500, 900]);
    } finally {
      clock.uninstall();
    }
  });

  it('counts reads of the time and changes of the timers (for reduction)', () => {
    const clock = VirtualClock.install(0);
    try {
      let before = clock.timerIds();
      clock.resetReads();
      assert.deepEqual(clock.touchedSince(before), { readTime: false, changedTimers: false });
      void Date.now();
      assert.deepEqual(clock.touchedSince(before), { readTime: true, changedTimers: false });
      before = clock.timerIds();
      const handle = setTimeout(() => undefined, 10);
      const touched = clock.touchedSince(before);
      assert.equal(touched.changedTimers, true);
      before = clock.timerIds();
      clearTimeout(handle);
      assert.equal(clock.touchedSince(before).changedTimers, true);
    } finally {
      clock.uninstall();
    }
  });

  it('plans, names and writes the clock of a scenario', () => {
    const plan = clockPlanOf({ start: new Date(Date.UTC(2030, 0, 1)), advances: [300_000, 90_500], maxAdvances: 2 });
    assert.deepEqual(clockChoiceNames(plan), ['clock', 'clock+5m', 'clock+1m30s500ms']);
    assert.equal(clockKey(plan), 'start=1893456000000,by=300000,by=90500,max=2');
    assert.equal(clockKey(clockPlanOf(undefined)), 'start=0');
    assert.equal(clockKey(clockPlanOf(false)), 'off');
    assert.deepEqual(clockChoiceNames(clockPlanOf(false)), []);
    assert.equal(formatDuration(3_600_000 + 60_000 * 30), '1h30m');
    assert.equal(formatDuration(0), '0ms');
    assert.equal(formatClock(600_000), '0:10:00');
    assert.equal(formatClock(3_600_250), '1:00:00.250');
    assert.throws(() => clockPlanOf({ advances: [5, 5] }), /must not name a duration twice/);
    assert.throws(() => clockPlanOf({ start: -1 }), /clock.start must be a Date or a whole number of ms/);
  });
});
