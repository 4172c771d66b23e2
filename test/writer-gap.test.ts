/**
 * The writer gap (seed 001, VoxLogicA-2) end to end, with the notification thread as an actor (the default
 * `wake: 'notifier'`): queued and db-first really violate completed-implies-retrievable on both engines with a
 * shortest counterexample, the fault write-fails (a parameter) really violates no-result-lost-after-restart,
 * memory-cache really holds exhaustively on both engines with the dangerous windows reached, random and pct find
 * the bug with the same trace for the same seed, a saved trace replays on both engines, `--wake poll` keeps the
 * waiters' own polling, and the exhaustive world counts are pinned for both ways of waiting.
 */
import assert from 'node:assert/strict';
import { check } from '../sim/check.js';
import { replayOnReal } from '../sim/real-replay.js';
import { replaySchedule } from '../sim/run-schedule.js';
import { writerGapBinding, writerGapParams } from '../sim/scenarios/writer-gap.binding.js';
import { exploreExhaustively } from '../sim/strategies/exhaustive-strategy.js';
import { WRITER_GAP_PROPERTIES } from '../properties/writer-gap.js';
import { createWriterGapModel } from '../spec/writer-gap/writer-gap.model.js';
import type { TraceV2 } from '../sim/trace.js';
import { findScenario } from '../properties/catalogue.js';

const params = (workers = 3, fault = 'none', restart = 'at-end', wake = 'notifier') => ({ workers, fault, restart, wake });
const line = (s: { actor: string; action: string; outcome: string }): string => `${s.actor} | ${s.action} | ${s.outcome}`;

async function shortestOnSim(variant: string, fault = 'none', wake = 'notifier') {
  const sim = await check(writerGapBinding, { variant, engine: 'sim', strategy: 'exhaustive', runs: 1, seed: 1, params: params(3, fault, 'at-end', wake) });
  assert.equal(sim.verdict, 'violation');
  return { sim, trace: sim.counterexample! };
}

async function replaysOnReal(variant: string, trace: TraceV2) {
  const real = await replayOnReal(() => writerGapBinding.openReal(variant, trace.params), WRITER_GAP_PROPERTIES, trace.schedule, trace.steps, true);
  assert.equal(real.mismatch, null, 'real code on real SQLite took the same steps with the same outcomes');
  assert.equal(real.violation?.property, trace.property);
  return real;
}

describe('writer-gap (seed 001, VoxLogicA-2)', function () {
  this.timeout(120_000);

  it('queued: the shortest violation of completed-implies-retrievable is the seed\'s, the notifier waking the reader inside the gap; real SQLite fails the same way', async () => {
    const { sim, trace } = await shortestOnSim('queued');
    assert.equal(sim.property, 'completed-implies-retrievable');
    assert.deepEqual(trace.steps.map(line), [
      'worker-0 | INSERT OR IGNORE execution_state | claimed',
      'worker-0 | enqueue write | queued',
      'worker-0 | UPDATE status = completed | ok',
      'reader | register callback | ok',
      'notifier | poll | completed at t=0.1s: fired 1 callback',
      'reader | wait on event | set',
      'reader | SELECT result | no row',
      'reader | memory get | miss, not found',
    ]);
    assert.deepEqual(trace.schedule, [0, 0, 0, 4, 6, 4, 4, 4]);
    assert.ok((sim.notable['completed-before-written'] ?? 0) > 0);
    assert.ok((sim.notable['woken-before-written'] ?? 0) > 0);
    await replaysOnReal('queued', trace);
  });

  it('queued --wake poll: the reader\'s own poll finds the gap; both engines agree', async () => {
    const { sim, trace } = await shortestOnSim('queued', 'none', 'poll');
    assert.equal(sim.property, 'completed-implies-retrievable');
    assert.deepEqual(trace.steps.map(line), [
      'worker-0 | INSERT OR IGNORE execution_state | claimed',
      'worker-0 | enqueue write | queued',
      'worker-0 | UPDATE status = completed | ok',
      'reader | SELECT status | completed',
      'reader | SELECT result | no row',
      'reader | memory get | miss, not found',
    ]);
    assert.ok(trace.steps.every((s) => s.actor !== 'notifier'));
    await replaysOnReal('queued', trace);
  });

  it('db-first: the writer lands the row and evicts the copy between the two reads of retrieve(); real SQLite agrees', async () => {
    const { sim, trace } = await shortestOnSim('db-first');
    assert.equal(sim.property, 'completed-implies-retrievable');
    assert.deepEqual(trace.steps.map(line), [
      'worker-0 | INSERT OR IGNORE execution_state | claimed',
      'worker-0 | memory put | ok',
      'worker-0 | enqueue write | queued',
      'worker-0 | UPDATE status = completed | ok',
      'reader | register callback | ok',
      'notifier | poll | completed at t=0.1s: fired 1 callback',
      'reader | wait on event | set',
      'reader | SELECT result | no row',
      'writer | dequeue, INSERT result | 1 row',
      'writer | memory evict | ok',
      'reader | memory get | miss, not found',
    ]);
    await replaysOnReal('db-first', trace);
  });

  it('memory-cache --fault write-fails: served from memory while the process lives, lost after a restart, on both engines', async () => {
    const { sim, trace } = await shortestOnSim('memory-cache', 'write-fails');
    assert.equal(sim.params['fault'], 'write-fails', 'the fault is a parameter, and the trace says so');
    assert.equal(sim.property, 'no-result-lost-after-restart');
    const steps = trace.steps.map(line);
    assert.ok(steps.includes('writer | dequeue, INSERT result | SQLITE_FULL'));
    assert.ok(steps.every((s) => !s.endsWith('not found')), 'every caller was served (from memory)');
    assert.equal(steps.at(-1), 'restart | restart, reopen, retrieve | completed, no row');
    assert.equal(steps.length, 18);
    await replaysOnReal('memory-cache', trace);
  });

  it('db-first --fault write-fails: also served from memory (the copy is never evicted), also lost on restart', async () => {
    const { sim } = await shortestOnSim('db-first', 'write-fails');
    assert.equal(sim.property, 'no-result-lost-after-restart', 'with no row ever written, nothing is evicted: db-first serves from memory too');
    assert.ok(sim.counterexample!.steps.every((s) => !s.outcome.endsWith('not found')), 'every caller was served');
    assert.deepEqual(writerGapParams('db-first', params(3, 'write-fails')).fault, 'write-fails');
  });

  it('a crash (--restart any-time) inside the gap leaves the operation completed without a result, even with the fix; real SQLite agrees', async () => {
    const sim = await check(writerGapBinding, { variant: 'memory-cache', engine: 'sim', strategy: 'exhaustive', runs: 1, seed: 1, params: params(3, 'none', 'any-time') });
    assert.equal(sim.property, 'no-result-lost-after-restart');
    assert.equal(sim.explored.states, 68);
    assert.deepEqual(sim.counterexample!.steps.map(line), [
      'worker-0 | INSERT OR IGNORE execution_state | claimed',
      'worker-0 | memory put | ok',
      'worker-0 | enqueue write | queued',
      'worker-0 | UPDATE status = completed | ok',
      'restart | restart, reopen, retrieve | completed, no row',
    ]);
    await replaysOnReal('memory-cache', sim.counterexample!);
  });

  it('memory-cache: holds in every distinct world with 3 workers, the writer, the notifier and the reader, the windows reached', async () => {
    const sim = await check(writerGapBinding, { variant: 'memory-cache', engine: 'sim', strategy: 'exhaustive', runs: 1, seed: 1, params: params() });
    assert.equal(sim.verdict, 'holds');
    assert.equal(sim.limit, null);
    assert.deepEqual([sim.explored.states, sim.explored.transitions], [741, 2151]);
    assert.deepEqual(sim.notable, { 'completed-before-written': 180, 'woken-before-written': 90, 'retrieve-while-queued': 90, 'retrieve-across-eviction': 136 });
  });

  it('the notifier is scheduled only for a poll that fires callbacks, each 100 ms after the previous one', () => {
    const model = createWriterGapModel(writerGapParams('memory-cache', params()));
    const notifier = model.actors.indexOf('notifier');
    assert.equal(notifier, model.actors.length - 1, 'the notifier comes last: every other actor keeps its number');
    // Walk every world; every notifier step fires at least one callback, at the next multiple of 100 ms.
    const seen = new Set<string>();
    const queue = [model.initial];
    let polls = 0;
    while (queue.length > 0) {
      const world = queue.pop()!;
      if (seen.has(model.key(world))) continue;
      seen.add(model.key(world));
      for (const actor of model.enabled(world)) {
        const { world: next, record } = model.step(world, actor);
        if (actor === notifier) {
          polls++;
          assert.match(record.outcome, /^completed at t=\d+(\.\d+)?s: fired [1-9]\d* callbacks?$/);
          assert.equal(next.clock, world.clock + 100);
        }
        queue.push(next);
      }
    }
    assert.ok(polls > 0);
  });

  it('memory-cache on real SQLite: schedules covering every transition agree with the model and hold', async () => {
    const real = await check(writerGapBinding, { variant: 'memory-cache', engine: 'real', strategy: 'exhaustive', runs: 1, seed: 1, params: params() });
    assert.equal(real.mismatch, null);
    assert.equal(real.verdict, 'holds');
    assert.equal(real.explored.transitions, 2151);
    assert.ok(real.explored.schedules > 0);
  });

  for (const strategy of ['random', 'pct'] as const) {
    it(`queued: ${strategy} finds the violation, the same seed gives the same trace, and it fails the same way on real SQLite`, async () => {
      const run = () => check(writerGapBinding, { variant: 'queued', engine: 'sim', strategy, runs: 200, seed: 7, params: params() });
      const first = await run();
      assert.equal(first.verdict, 'violation');
      assert.equal(first.property, 'completed-implies-retrievable');
      assert.equal(JSON.stringify(first.counterexample), JSON.stringify((await run()).counterexample));
      await replaysOnReal('queued', first.counterexample!);
    });
  }

  it('a saved trace replays to the same steps and verdict on both engines', async () => {
    const { trace } = await shortestOnSim('db-first');
    const saved = JSON.parse(JSON.stringify(trace)) as TraceV2;
    const savedSteps = saved.steps.map(({ actor, action, outcome }) => ({ actor, action, outcome }));
    const model = createWriterGapModel(writerGapParams(saved.variant, saved.params));
    const again = replaySchedule(model, WRITER_GAP_PROPERTIES, saved.schedule);
    assert.deepEqual(again.steps, savedSteps);
    assert.equal(again.violation?.property, saved.property);
    const real = await replaysOnReal(saved.variant, saved);
    assert.deepEqual(real.steps, savedSteps);
  });

  it('memory-cache --wake poll on both engines: holds, as before the notifier was an actor', async () => {
    const real = await check(writerGapBinding, { variant: 'memory-cache', engine: 'real', strategy: 'exhaustive', runs: 1, seed: 1, params: params(3, 'none', 'at-end', 'poll') });
    assert.equal(real.mismatch, null);
    assert.equal(real.verdict, 'holds');
    assert.equal(real.explored.transitions, 863);
  });

  it('every documented run of the catalogue behaves as documented on sim (check-all.test.ts runs each on real too), and every variant says where it comes from', async () => {
    const entry = findScenario('writer-gap')!;
    const defaults = Object.fromEntries(writerGapBinding.params.map((p) => [p.name, p.default]));
    let documented = 0;
    for (const variant of entry.variants) {
      assert.ok(variant.provenance !== undefined, variant.name);
      for (const run of [{ params: {}, expected: variant.expected }, ...(variant.alsoUnder ?? [])]) {
        const result = await check(writerGapBinding, { variant: variant.name, engine: 'sim', strategy: 'exhaustive', runs: 1, seed: 1, params: { ...defaults, ...run.params } });
        const label = `${variant.name} ${JSON.stringify(run.params)}`;
        assert.equal(result.verdict, run.expected.verdict, label);
        if (run.expected.verdict === 'violation') assert.equal(result.property, run.expected.property, label);
        else assert.ok(Object.keys(result.notable).length > 0, `${label}: a hold that reached a dangerous window`);
        documented++;
      }
    }
    assert.equal(documented, 8);
  });

  describe("persisted: 2451df0's synchronous persist, futures and fail-fast wait", () => {
    it('a worker that looks for the claimant\'s future before it is registered falls through to wait_for_completion and raises on the running row (28 steps), on both engines', async () => {
      const { sim, trace } = await shortestOnSim('persisted');
      assert.equal(sim.property, 'every-caller-gets-the-result');
      assert.equal(sim.message, 'worker-1 failed: refused');
      assert.equal(trace.steps.length, 28);
      const steps = trace.steps.map(line);
      const at = (text: string): number => steps.indexOf(text);
      // worker-1 lost the claim and found no future twice, before worker-0 registered its future.
      assert.ok(steps.lastIndexOf('worker-1 | get future | none') < at('worker-0 | set future | ok'));
      assert.ok(at('worker-1 | SELECT status | running') > at('worker-0 | SELECT result | row'));
      assert.ok(at('worker-1 | SELECT status | running') < at('worker-0 | UPDATE status = completed | ok'));
      assert.ok(trace.steps.every((s) => s.actor !== 'writer'), 'the background writer has nothing to do here');
      await replaysOnReal('persisted', trace);
    });

    it('--fault persist-busy: every caller is served (memory copy, future), but the row stays running with no result; after the threshold the engine start marks it failed; on both engines', async () => {
      for (const [restart, status] of [
        ['at-end', 'running'],
        ['after-threshold', 'failed'],
      ] as const) {
        const found = await check(writerGapBinding, { variant: 'persisted', engine: 'sim', strategy: 'exhaustive', runs: 1, seed: 1, params: params(3, 'persist-busy', restart) });
        assert.equal(found.property, 'no-operation-stranded', restart);
        assert.equal(found.message, `after the restart the operation is ${status} with no result row: mark_running never claims a row that exists, so no later run can compute it`);
        const steps = found.counterexample!.steps.map(line);
        assert.equal(steps.length, 16);
        assert.ok(steps.includes('worker-0 | INSERT result | SQLITE_BUSY'));
        assert.ok(!steps.includes('worker-0 | UPDATE status = completed | ok'), 'not persisted, so never marked completed');
        assert.equal(steps.at(-1), restart === 'at-end' ? 'restart | restart, reopen, retrieve | running, no row' : 'restart | restart, reopen, retrieve | at t=3601s: 1 stale claim failed; failed, no row');
        const real = await replaysOnReal('persisted', found.counterexample!);
        assert.deepEqual(real.steps.map(line), steps);
      }
    });

    it('the faults go with their variants: persist-busy only with persisted, write-fails and --wake poll not with it', () => {
      assert.throws(() => writerGapBinding.model('memory-cache', params(3, 'persist-busy')), /persist-busy strikes the synchronous persist/);
      assert.throws(() => writerGapBinding.model('persisted', params(3, 'write-fails')), /write-fails strikes the background writer/);
      assert.throws(() => writerGapBinding.model('persisted', params(3, 'none', 'at-end', 'poll')), /--wake poll does not apply/);
    });

    it('pins the exhaustive world counts of persisted (symmetry-reduced) for 1 to 3 workers', () => {
      const counts = [1, 2, 3].map((workers) => {
        const result = exploreExhaustively(createWriterGapModel({ variant: 'persisted', workers, fault: 'none', restart: 'at-end', wake: 'notifier' }), WRITER_GAP_PROPERTIES, undefined, { continueAfterViolation: true });
        return [result.worlds, result.transitions];
      });
      assert.deepEqual(counts, [[16, 15], [182, 310], [1575, 3961]]);
    });
  });

  it('pins the exhaustive world counts (symmetry-reduced) for 1 to 5 workers, with the notifier', () => {
    const counts: Record<string, [number, number][]> = {};
    for (const [name, variant, fault] of [
      ['memory-cache', 'memory-cache', 'none'],
      ['queued', 'queued', 'none'],
      ['db-first', 'db-first', 'none'],
      ['memory-cache --fault write-fails', 'memory-cache', 'write-fails'],
    ] as const) {
      counts[name] = [1, 2, 3, 4, 5].map((workers) => {
        const result = exploreExhaustively(createWriterGapModel({ variant, workers, fault, restart: 'at-end', wake: 'notifier' }), WRITER_GAP_PROPERTIES);
        assert.equal(result.limit, null);
        assert.equal(result.verdict, name === 'memory-cache' ? 'holds' : 'violation');
        return [result.worlds, result.transitions];
      });
    }
    // Violating variants stop at their first (shortest) violation: these are the worlds visited until then.
    assert.deepEqual(counts, {
      'memory-cache': [[29, 46], [170, 376], [741, 2151], [2542, 9213], [7243, 31517]],
      queued: [[20, 28], [61, 116], [100, 241], [125, 370], [138, 482]],
      'db-first': [[32, 50], [138, 283], [268, 666], [362, 1089], [422, 1516]],
      'memory-cache --fault write-fails': [[21, 31], [105, 223], [410, 1155], [1294, 4576], [3444, 14661]],
    });
  });

  it('pins the exhaustive world counts (symmetry-reduced) for 1 to 5 workers, with --wake poll', () => {
    const counts: Record<string, [number, number][]> = {};
    for (const [name, variant, fault] of [
      ['memory-cache', 'memory-cache', 'none'],
      ['queued', 'queued', 'none'],
      ['db-first', 'db-first', 'none'],
      ['memory-cache --fault write-fails', 'memory-cache', 'write-fails'],
    ] as const) {
      counts[name] = [1, 2, 3, 4, 5].map((workers) => {
        const result = exploreExhaustively(createWriterGapModel({ variant, workers, fault, restart: 'at-end', wake: 'poll' }), WRITER_GAP_PROPERTIES);
        assert.equal(result.limit, null);
        assert.equal(result.verdict, name === 'memory-cache' ? 'holds' : 'violation');
        return [result.worlds, result.transitions];
      });
    }
    // Violating variants stop at their first (shortest) violation: these are the worlds visited until then.
    assert.deepEqual(counts, {
      'memory-cache': [[26, 41], [103, 234], [288, 863], [663, 2486], [1343, 6073]],
      queued: [[18, 24], [40, 70], [53, 115], [58, 151], [59, 183]],
      'db-first': [[29, 45], [95, 195], [155, 386], [192, 578], [212, 759]],
      'memory-cache --fault write-fails': [[19, 28], [67, 146], [171, 498], [363, 1332], [683, 3034]],
    });
  });
});
