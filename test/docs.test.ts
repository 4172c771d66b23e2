/**
 * The docs pages cannot drift from the tool: every generated block is rerun and compared (`lockstep docs
 * --check` on the real binary), and the pieces that make a page (markers, timing elision, Mermaid) are
 * checked on their own.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { blockBody, DocsFormatError, fillBlocks, findBlocks, withoutTimings } from '../sim/docs/generated-blocks.js';
import { isRefusal, renderMermaid } from '../sim/render/trace-mermaid.js';
import { check } from '../sim/check.js';
import { ticketsBinding } from '../sim/scenarios/tickets.binding.js';
import { withoutToolVersions } from '../sim/cli/commands/docs.js';

const BIN = fileURLToPath(new URL('../../bin/lockstep.js', import.meta.url));

describe('docs pages', function () {
  this.timeout(300_000);

  it('every generated block of docs/ is what the tool prints now (lockstep docs --check)', () => {
    const ran = spawnSync(process.execPath, [BIN, 'docs', '--check'], { encoding: 'utf8' });
    assert.equal(ran.status, 0, ran.stdout + ran.stderr);
    assert.match(ran.stdout, /, 0 stale blocks\n$/);
  });

  it('finds blocks, refills them, and rejects an unclosed marker', () => {
    const page = 'intro\n<!-- lockstep list -->\nold\n<!-- /lockstep -->\nmiddle\n<!-- lockstep list --json -->\n<!-- /lockstep -->\nend\n';
    const blocks = findBlocks(page);
    assert.deepEqual(blocks.map((b) => [b.args, b.line]), [[['list'], 2], [['list', '--json'], 6]]);
    const filled = fillBlocks(page, blocks, ['\nA\n', '\nB\n']);
    assert.equal(filled, 'intro\n<!-- lockstep list -->\nA\n<!-- /lockstep -->\nmiddle\n<!-- lockstep list --json -->\nB\n<!-- /lockstep -->\nend\n');
    assert.deepEqual(findBlocks(filled).map((b) => b.args), [['list'], ['list', '--json']]);
    assert.throws(() => findBlocks('<!-- lockstep list -->\n<!-- lockstep list -->\n<!-- /lockstep -->'), DocsFormatError);
    assert.throws(() => findBlocks('<!-- lockstep list -->\nno end'), /line 1: .* has no '<!-- \/lockstep -->'/);
  });

  it("a viewer file made on another Node, SQLite or lockstep version is not stale; any other difference is", () => {
    const made = (node: string, steps: string) => `<script>{"lockstep":2,"tool":{"version":"0.1.0","sqlite":"3.53.2","node":"${node}"},"steps":[${steps}]}</script>`;
    assert.equal(withoutToolVersions(made('v20.20.2', '1')), withoutToolVersions(made('v24.22.3', '1')));
    assert.notEqual(withoutToolVersions(made('v20.20.2', '1')), withoutToolVersions(made('v20.20.2', '2')));
  });

  it('elides elapsed times and nothing else, and fences Mermaid as mermaid', () => {
    assert.equal(withoutTimings('explored 65 distinct worlds in 12 ms; 3.5 s; 1 schedules'), 'explored 65 distinct worlds in … ms; … s; 1 schedules');
    assert.equal(blockBody(['check', 'x', '--mermaid'], 'sequenceDiagram\n\n'), '\n```mermaid\nsequenceDiagram\n```\n');
    assert.equal(blockBody(['check', 'x'], 'a 7 ms\n'), '\n```text\na … ms\n```\n');
  });

  it('draws a counterexample as a Mermaid sequence diagram from the trace alone: one numbered message per step, refusals crossed, a note per lock change, the breaking step in a critical block', async () => {
    const result = await check(ticketsBinding, { variant: 'deferred', engine: 'sim', strategy: 'exhaustive', runs: 1, seed: 1, params: { workers: 3, journal: 'delete', workload: 'acquire', busyTimeoutMs: 5000 } });
    const trace = result.counterexample!;
    const diagram = renderMermaid(trace);
    const lines = diagram.split('\n');
    assert.deepEqual(lines.slice(0, 2), ['sequenceDiagram', '  autonumber']);
    assert.equal(lines.filter((l) => /^ {2,4}worker_\d-[>x]>?shared_: .* → /.test(l)).length, trace.steps.length);
    const refused = trace.steps.filter((s) => isRefusal(s.outcome)).length;
    assert.ok(refused > 0);
    assert.equal(lines.filter((l) => /^ {2,4}worker_\d-xshared_: /.test(l)).length, refused);
    // One note per change of a connection's lock, counted from the trace's own states.
    let changes = 0;
    trace.steps.forEach((step, i) => {
      const before = i === 0 ? trace.initial : trace.steps[i - 1]!.state;
      for (const [name, connection] of Object.entries(step.state.connections ?? {})) if (before.connections?.[name]?.lock !== connection.lock) changes++;
    });
    assert.ok(changes > 0);
    assert.equal(lines.filter((l) => /^ {2,4}Note over worker_\d: /.test(l)).length, changes);
    // The breaking step (here the last: an outcome property) sits in a critical block.
    const critical = lines.findIndex((l) => l.startsWith('  critical '));
    assert.equal(trace.brokeAt, trace.steps.length - 1);
    assert.match(lines[critical]!, /every-worker-acquires/);
    assert.match(lines[critical + 1]!, new RegExp(`^ {4}worker_\\d->>shared_: ${trace.steps.at(-1)!.action}`));
    assert.match(lines.at(-1)!, /Note over worker_0,shared_: VIOLATION of every-worker-acquires/);
    assert.ok(!/[;#](?!\d+;)/.test(lines.slice(1).join('\n').replace(/#\d+;/g, '')), 'no raw ; or # in messages');
  });
});
