/**
 * Format-2 traces (sim/trace.ts, docs/formats.md, schemas/trace-v2.schema.json): every scenario variant's trace,
 * on both engines, validates against the shipped schema and carries one world per step; the real engine's
 * worlds are what real SQLite showed (compared here with the model's, step by step); renderers draw a trace with
 * the model unavailable; format-1 traces still replay.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExposedWorld } from '../spec/scenario-model.js';
import type { RealExposedWorld } from '../impl/engine-seam.js';
import type { Property } from '../properties/property.js';
import { check } from '../sim/check.js';
import { replayOnReal } from '../sim/real-replay.js';
import { renderMermaid } from '../sim/render/trace-mermaid.js';
import { renderTable } from '../sim/render/trace-table.js';
import { representativeRun } from '../sim/representative-run.js';
import { SCENARIOS } from '../sim/scenarios/index.js';
import { modelTrace, realTrace } from '../sim/trace-builder.js';
import type { TraceV2 } from '../sim/trace.js';
import { parseTrace } from '../sim/trace.js';
import { withTempDir } from './cli/temp-file.js';
import { assertValidTrace } from './schema-validate.js';
import { brancherFor, BranchError } from '../sim/view/branch-run.js';
import { findDefinition } from '../sim/scenarios/definitions.js';

/** Format 2 against schemas/trace-v2.schema.json (with the message saying which trace it was). */
function assertValidTraceV2(trace: TraceV2, what: string): void {
  assert.equal(trace.lockstep, 2, what);
  assertValidTrace(trace);
}

const BIN = fileURLToPath(new URL('../../bin/lockstep.js', import.meta.url));
const RENDER_DIR = fileURLToPath(new URL('../sim/render/', import.meta.url));

// The two declarations of the exposed world (spec/ for the model, impl/ for the real run) are one shape.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const sameShape: Equal<Required<RealExposedWorld>['connections'][string], Required<ExposedWorld>['connections'][string]> &
  Equal<RealExposedWorld['actors'][string], ExposedWorld['actors'][string]> = true;
const realIsExposed: ExposedWorld = {} as RealExposedWorld;
const exposedIsReal: RealExposedWorld = {} as ExposedWorld;
void [sameShape, realIsExposed, exposedIsReal];

/** A sim trace of a variant at its defaults: its shortest counterexample, or the representative run of a hold. */
async function simTrace(binding: (typeof SCENARIOS)[number], variant: string, under: Record<string, string> = {}): Promise<{ trace: TraceV2; params: Record<string, string | number> }> {
  const params: Record<string, string | number> = { ...Object.fromEntries(binding.params.map((p) => [p.name, p.default])), ...under };
  const result = await check(binding, { variant, engine: 'sim', strategy: 'exhaustive', runs: 1, seed: 1, params });
  if (result.counterexample !== null) return { trace: result.counterexample, params };
  const model = binding.model(variant, params);
  const run = representativeRun(model, binding.properties);
  const header = { scenario: binding.entry.name, variant, params, reproduce: `lockstep check ${binding.entry.name} --variant ${variant}`, properties: binding.properties as readonly Property<never>[] };
  return { trace: modelTrace(model, header, run), params };
}

describe('format-2 traces', function () {
  this.timeout(300_000);

  // Every variant at its defaults, and the real engines on worker threads.
  const runs = SCENARIOS.flatMap((binding) => binding.entry.variants.map((v) => ({ binding, variant: v.name, under: {} as Record<string, string> })));
  for (const [scenario, variant] of [['pool', 'bounded-pool'], ['lost-update', 'locked']] as const) runs.push({ binding: SCENARIOS.find((s) => s.entry.name === scenario)!, variant, under: { runtime: 'threads' } });
  for (const { binding, variant, under } of runs) {
    {
      const label = `${binding.entry.name}/${variant}${Object.entries(under).map(([k, v]) => ` ${k}=${v}`).join('')}`;
      it(`${label}: the sim trace and its replay on the real engine validate against the schema, with the world after every step`, async () => {
        const { trace, params } = await simTrace(binding, variant, under);
        assertValidTraceV2(trace, `the sim trace of ${label}`);
        assert.equal(trace.steps.length, trace.schedule.length);
        assert.deepEqual(Object.keys(trace.initial.actors), [...trace.actors]);
        for (const step of trace.steps) assert.deepEqual(Object.keys(step.state.actors), [...trace.actors], 'every actor in every world');
        assert.equal(trace.brokeAt, trace.verdict === 'violation' ? trace.steps.length - 1 : null);
        assert.ok(trace.properties.some((p) => p.name === 'no-deadlock'));
        if (trace.verdict === 'holds') {
          // A run that ends: every actor done or failed.
          for (const actor of Object.values(trace.steps.at(-1)!.state.actors)) assert.ok(actor.status === 'done' || actor.status === 'failed', JSON.stringify(actor));
        }

        const model = binding.model(variant, params);
        const endsRun = trace.verdict === 'holds' || trace.properties.find((p) => p.name === trace.property)?.kind !== 'safety';
        const real = await replayOnReal(() => binding.openReal(variant, params), binding.properties, trace.schedule, trace.steps, endsRun);
        assert.equal(real.mismatch, null, 'the real run took the same steps');
        const header = { scenario: trace.scenario, variant, params, reproduce: trace.reproduce, properties: binding.properties as readonly Property<never>[] };
        const onReal = realTrace(header, { actors: model.actors, shared: trace.shared, schedule: trace.schedule, steps: real.steps, initial: real.initial, states: real.states, violation: real.violation, expected: trace.steps });
        assertValidTraceV2(onReal, `the real trace of ${label}`);
        assert.equal(onReal.verdict, trace.verdict);
        assert.equal(onReal.brokeAt, trace.brokeAt);
        assert.ok(onReal.steps.every((s) => s.model === undefined), 'no model record where the engines agree');
        onReal.steps.forEach((step, i) => {
          const sim = trace.steps[i]!.state;
          // What real SQLite showed: a transaction open on the same connections after every step as in the model.
          for (const [name, connection] of Object.entries(step.state.connections ?? {})) {
            assert.equal(connection.lock, null, 'real SQLite does not report a lock level');
            assert.equal(connection.inTransaction, sim.connections?.[name]?.inTransaction, `step ${i + 1}: ${name} inTransaction, real vs model`);
          }
          for (const name of trace.actors) {
            const [r, m] = [step.state.actors[name]!, sim.actors[name]!];
            if (m.status === 'done' || m.status === 'failed') assert.equal(r.status, m.status, `step ${i + 1}: ${name} finished the same way on both engines`);
            assert.equal(r.holds, m.holds, `step ${i + 1}: ${name} holds the same lock on both engines`);
          }
        });
      });
    }
  }

  it('a real trace keeps the model\'s record beside a step where the two differ', () => {
    const header = { scenario: 'tickets', variant: 'deferred', params: {}, reproduce: 'lockstep check tickets', properties: [] };
    const state = { actors: { 'worker-0': { state: 'parked', status: 'running' as const } } };
    const trace = realTrace(header, {
      actors: ['worker-0'],
      shared: 'SQLite',
      schedule: [0, 0],
      steps: [{ actor: 'worker-0', action: 'BEGIN DEFERRED', outcome: 'ok' }, { actor: 'worker-0', action: 'COMMIT', outcome: 'SQLITE_BUSY' }],
      initial: state,
      states: [state, state],
      violation: null,
      expected: [{ actor: 'worker-0', action: 'BEGIN DEFERRED', outcome: 'ok' }, { actor: 'worker-0', action: 'COMMIT', outcome: 'ok' }],
    });
    assertValidTraceV2(trace, 'the hand-made real trace');
    assert.equal(trace.steps[0]!.model, undefined);
    assert.deepEqual(trace.steps[1]!.model, { actor: 'worker-0', action: 'COMMIT', outcome: 'ok' });
  });

  it('the text table and the Mermaid diagram render a trace with the model unavailable (the renderers alone, in another process)', async () => {
    const { trace } = await simTrace(SCENARIOS.find((s) => s.entry.name === 'tickets')!, 'deferred');
    withTempDir((dir) => {
      // Only the compiled renderers, with no spec/, sim/ or properties/ beside them: an import of the model would fail.
      const render = path.join(dir, 'render');
      mkdirSync(render);
      for (const file of readdirSync(RENDER_DIR).filter((f) => f.endsWith('.js'))) copyFileSync(path.join(RENDER_DIR, file), path.join(render, file));
      writeFileSync(path.join(dir, 'trace.json'), JSON.stringify(trace));
      writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
      const script = [
        "import { readFileSync } from 'node:fs';",
        "import { renderTable } from './render/trace-table.js';",
        "import { renderMermaid } from './render/trace-mermaid.js';",
        "const trace = JSON.parse(readFileSync(new URL('./trace.json', import.meta.url), 'utf8'));",
        "process.stdout.write(renderTable(trace) + '\\n---\\n' + renderMermaid(trace));",
      ].join('\n');
      writeFileSync(path.join(dir, 'draw.mjs'), script);
      const ran = spawnSync(process.execPath, [path.join(dir, 'draw.mjs')], { encoding: 'utf8' });
      assert.equal(ran.status, 0, ran.stderr);
      assert.equal(ran.stdout, `${renderTable(trace)}\n---\n${renderMermaid(trace)}`);
      assert.match(ran.stdout, /locks after \(worker-0 worker-1 worker-2\)/);
      assert.match(ran.stdout, /Note over worker_1: SHARED → RESERVED/);
    });
  });

  it('check --trace-out writes format 2 (valid, with versions and the reproduce command), and replay reads formats 1 and 2', () => {
    withTempDir((dir) => {
      const file = path.join(dir, 't.json');
      assert.equal(spawnSync(process.execPath, [BIN, 'check', 'tickets', '--variant', 'deferred', '--trace-out', file], { encoding: 'utf8' }).status, 1);
      const saved = JSON.parse(readFileSync(file, 'utf8')) as TraceV2;
      assertValidTraceV2(saved, '--trace-out');
      assert.equal(saved.lockstep, 2);
      assert.match(saved.tool.sqlite ?? '', /^3\.\d+\.\d+$/);
      assert.equal(saved.reproduce, 'lockstep check tickets --variant deferred --engine sim --strategy exhaustive');
      assert.equal(parseTrace(readFileSync(file, 'utf8')).lockstep, 2);
      const again = spawnSync(process.execPath, [BIN, 'replay', file, '--engine', 'real'], { encoding: 'utf8' });
      assert.equal(again.status, 1, again.stderr);
      assert.match(again.stdout, /same steps and verdict as the saved trace/);
      // The same run as format 1 had it.
      const v1 = { lockstep: 1, scenario: saved.scenario, variant: saved.variant, engine: saved.engine, params: saved.params, schedule: saved.schedule, steps: saved.steps.map(({ actor, action, outcome }) => ({ actor, action, outcome })), verdict: saved.verdict, property: saved.property, message: saved.message };
      writeFileSync(file, JSON.stringify(v1));
      const old = spawnSync(process.execPath, [BIN, 'replay', file, '--engine', 'sim'], { encoding: 'utf8' });
      assert.equal(old.status, 1, old.stderr);
      assert.match(old.stdout, /same steps and verdict as the saved trace/);
      assert.match(old.stdout, /locks after \(worker-0 worker-1 worker-2\)/);
    });
  });
});

describe('lockstep view and check --html (files and bad input)', function () {
  this.timeout(120_000);

  it('view writes a self-contained viewer for a format-2 trace, and for a format-1 trace after running it on the model; bad input exits 2 with one line', () => {
    withTempDir((dir) => {
      const trace = path.join(dir, 't.json');
      assert.equal(spawnSync(process.execPath, [BIN, 'check', 'tickets', '--variant', 'deferred', '--trace-out', trace], { encoding: 'utf8' }).status, 1);
      const viewed = spawnSync(process.execPath, [BIN, 'view', trace], { encoding: 'utf8' });
      assert.equal(viewed.status, 0, viewed.stderr);
      assert.match(viewed.stdout, new RegExp(`^wrote ${path.join(dir, 't.html').replace(/[.]/g, '\\.')} \\(\\d+ bytes, 12 steps\\)`));
      const html = readFileSync(path.join(dir, 't.html'), 'utf8');
      assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|https?:\/\//, 'nothing to fetch');
      assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
      const saved = JSON.parse(readFileSync(trace, 'utf8')) as TraceV2;
      const v1 = { lockstep: 1, scenario: saved.scenario, variant: saved.variant, engine: saved.engine, params: saved.params, schedule: saved.schedule, steps: saved.steps.map(({ actor, action, outcome }) => ({ actor, action, outcome })), verdict: saved.verdict, property: saved.property, message: saved.message };
      writeFileSync(trace, JSON.stringify(v1));
      assert.equal(spawnSync(process.execPath, [BIN, 'view', trace, '-o', path.join(dir, 'v1.html')], { encoding: 'utf8' }).status, 0);
      const embedded = /id="lockstep-trace">(.*?)<\/script>/s.exec(readFileSync(path.join(dir, 'v1.html'), 'utf8'))![1]!;
      assertValidTraceV2(JSON.parse(embedded) as TraceV2, 'the upgraded format-1 trace');
      const bad: [string[], RegExp][] = [
        [['view', path.join(dir, 'missing.json')], /cannot read .*missing\.json: ENOENT/],
        [['view', trace, '-o', path.join(dir, 'no', 'such', 'x.html')], /-o .*x\.html: cannot write there: ENOENT/],
        [['view', '-'], /a trace read from stdin needs -o FILE\.html/],
        [['check', 'tickets', '--html', path.join(dir, 'no', 'x.html')], /--html .*x\.html: cannot write there/],
      ];
      for (const [args, pattern] of bad) {
        const ran = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input: '' });
        assert.equal(ran.status, 2, `${args.join(' ')}: ${ran.stderr}`);
        assert.match(ran.stderr, pattern);
        assert.equal(ran.stderr.trim().split('\n').length, 1, 'one line');
      }
      assert.deepEqual(readdirSync(dir).sort(), ['t.html', 't.json', 'v1.html'], 'nothing else left behind');
    });
  });

  it('branch here, as the page runs it: from step 7 of the tickets counterexample, worker-1 first, then the lowest actor, ends with every worker acquired', async () => {
    const { trace } = await simTrace(SCENARIOS.find((s) => s.entry.name === 'tickets')!, 'deferred');
    const brancher = brancherFor(findDefinition('tickets')!, trace.variant, trace.params);
    let state = brancher.start(trace.schedule, 7);
    assert.deepEqual(state.enabled, [1, 2]);
    state = brancher.step(state, 1);
    while (state.enabled.length > 0) state = brancher.step(state, state.enabled[0]!);
    assert.equal(state.violation, null);
    assert.ok(state.ended);
    assert.deepEqual(Object.values(state.steps.at(-1)!.state.actors).map((a) => a.status), ['done', 'done', 'done']);
    // Following the trace itself instead reaches its own violation, judged the same way.
    let same = brancher.start(trace.schedule, 7);
    for (const actor of trace.schedule.slice(7)) same = brancher.step(same, actor);
    assert.equal(same.violation?.property, 'every-worker-acquires');
    assert.throws(() => brancher.start([0, 0, 0, 0, 0], 5), BranchError, 'worker-0 has finished after four steps');
  });
});
