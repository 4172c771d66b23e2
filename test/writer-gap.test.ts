/**
 * The writer gap (seed 001, VoxLogicA-2) end to end: queued and db-first really violate
 * completed-implies-retrievable on both engines with a shortest counterexample, the fault write-fails (a parameter) really
 * violates no-result-lost-after-restart, memory-cache really holds exhaustively on both engines with the
 * dangerous windows reached, random and pct find the bug with the same trace for the same seed, a saved trace
 * replays on both engines, and the exhaustive world counts are pinned.
 */
import assert from 'node:assert/strict';
import { check } from '../sim/check.js';
import { replayOnReal } from '../sim/real-replay.js';
import { replaySchedule } from '../sim/run-schedule.js';
import { writerGapBinding, writerGapParams } from '../sim/scenarios/writer-gap.binding.js';
import { exploreExhaustively } from '../sim/strategies/exhaustive-strategy.js';
import { WRITER_GAP_PROPERTIES } from '../properties/writer-gap.js';
import { createWriterGapModel } from '../spec/writer-gap/writer-gap.model.js';
import type { Trace } from '../sim/trace.js';

const params = (workers = 3, fault = 'none', restart = 'at-end') => ({ workers, fault, restart });
const line = (s: { actor: string; action: string; outcome: string }): string => `${s.actor} | ${s.action} | ${s.outcome}`;

async function shortestOnSim(variant: string, fault = 'none') {
  const sim = await check(writerGapBinding, { variant, engine: 'sim', strategy: 'exhaustive', runs: 1, seed: 1, params: params(3, fault) });
  assert.equal(sim.verdict, 'violation');
  return { sim, trace: sim.counterexample! };
}

async function replaysOnReal(variant: string, trace: Trace) {
  const real = await replayOnReal(() => writerGapBinding.openReal(variant, trace.params), WRITER_GAP_PROPERTIES, trace.schedule, trace.steps, true);
  assert.equal(real.mismatch, null, 'real code on real SQLite took the same steps with the same outcomes');
  assert.equal(real.violation?.property, trace.property);
  return real;
}

describe('writer-gap (seed 001, VoxLogicA-2)', function () {
  this.timeout(120_000);

  it('queued: the shortest violation of completed-implies-retrievable is the seed\'s, and real SQLite fails the same way', async () => {
    const { sim, trace } = await shortestOnSim('queued');
    assert.equal(sim.property, 'completed-implies-retrievable');
    assert.deepEqual(trace.steps.map(line), [
      'worker-0 | INSERT OR IGNORE execution_state | claimed',
      'worker-0 | enqueue write | queued',
      'worker-0 | UPDATE status = completed | ok',
      'reader | SELECT status | completed',
      'reader | memory get | miss',
      'reader | SELECT result | no row, not found',
    ]);
    assert.ok((sim.notable['completed-before-written'] ?? 0) > 0);
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
      'reader | SELECT status | completed',
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
    assert.equal(steps.length, 14);
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
    assert.equal(sim.explored.states, 69);
    assert.deepEqual(sim.counterexample!.steps.map(line), [
      'worker-0 | INSERT OR IGNORE execution_state | claimed',
      'worker-0 | memory put | ok',
      'worker-0 | enqueue write | queued',
      'worker-0 | UPDATE status = completed | ok',
      'restart | restart, reopen, retrieve | completed, no row',
    ]);
    await replaysOnReal('memory-cache', sim.counterexample!);
  });

  it('memory-cache: holds in every distinct world with 3 workers, the writer and the reader, the windows reached', async () => {
    const sim = await check(writerGapBinding, { variant: 'memory-cache', engine: 'sim', strategy: 'exhaustive', runs: 1, seed: 1, params: params() });
    assert.equal(sim.verdict, 'holds');
    assert.equal(sim.limit, null);
    assert.deepEqual(sim.notable, { 'completed-before-written': 60, 'retrieve-while-queued': 30, 'retrieve-across-eviction': 45 });
  });

  it('memory-cache on real SQLite: schedules covering every transition agree with the model and hold', async () => {
    const real = await check(writerGapBinding, { variant: 'memory-cache', engine: 'real', strategy: 'exhaustive', runs: 1, seed: 1, params: params() });
    assert.equal(real.mismatch, null);
    assert.equal(real.verdict, 'holds');
    assert.equal(real.explored.transitions, 863);
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
    const saved = JSON.parse(JSON.stringify(trace)) as Trace;
    const model = createWriterGapModel(writerGapParams(saved.variant, saved.params));
    const again = replaySchedule(model, WRITER_GAP_PROPERTIES, saved.schedule);
    assert.deepEqual(again.steps, saved.steps);
    assert.equal(again.violation?.property, saved.property);
    const real = await replaysOnReal(saved.variant, saved);
    assert.deepEqual(real.steps, saved.steps);
  });

  it('pins the exhaustive world counts (symmetry-reduced) for 1 to 5 workers', () => {
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
      queued: [[17, 24], [39, 70], [52, 115], [57, 151], [58, 183]],
      'db-first': [[29, 45], [95, 195], [155, 386], [192, 578], [212, 759]],
      'memory-cache --fault write-fails': [[19, 28], [67, 146], [171, 498], [363, 1332], [683, 3034]],
    });
  });
});
