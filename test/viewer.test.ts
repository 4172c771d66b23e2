/**
 * The trace viewer in a real browser: Debian's chromium, headless, driven by playwright-core. Generated viewer
 * files are opened from disk; the tests step through a trace with the buttons, the keys and #step-N links,
 * compare the state panel with the trace's own per-step state, use "branch here" on the tickets counterexample to
 * reach a world where every worker acquires, check that no request leaves the page, and write screenshots of two
 * steps for a reviewer (the folder is printed). Chromium is installed by .ci/run; when it is missing the suite
 * fails with one line saying how to install it (it is never skipped).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { TraceV2 } from '../sim/trace.js';
import { flattenShared, formatValue } from '../sim/view/world-view.js';

const BIN = fileURLToPath(new URL('../../bin/lockstep.js', import.meta.url));
const DOCS_VIEWER = fileURLToPath(new URL('../../docs/viewer/', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
/** The flags that keep Chromium quiet on a closed network (without them its connections are refused many at a time). */
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Screenshots for a reviewer: outside the sources, replaced on every run. */
const SCREENSHOTS = path.join(tmpdir(), 'lockstep-viewer-screenshots');

function lockstep(args: readonly string[]): void {
  const ran = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  assert.ok(ran.status === 0 || ran.status === 1, `lockstep ${args.join(' ')}: exit ${ran.status}: ${ran.stderr}`);
}

/** The trace a viewer file embeds (what the page itself reads). */
function embeddedTrace(file: string): TraceV2 {
  const html = readFileSync(file, 'utf8');
  const json = /<script type="application\/json" id="lockstep-trace">(.*?)<\/script>/s.exec(html)![1]!;
  return JSON.parse(json) as TraceV2;
}

describe('trace viewer in headless Chromium', function () {
  this.timeout(180_000);
  let dir: string;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
    dir = mkdtempSync(path.join(tmpdir(), 'lockstep-viewer-'));
    profile = path.join(dir, 'profile');
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1400, height: 1000 } });
    // Every request the pages make, and none allowed to leave: a viewer file must need nothing but itself.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      requests.push(url);
      return url.startsWith('file://') ? route.continue() : route.abort();
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => requests.push(`pageerror: ${error.message}`));
    rmSync(SCREENSHOTS, { recursive: true, force: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await context?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  async function open(file: string, hash = ''): Promise<void> {
    await page.goto(`${pathToFileURL(file).href}${hash}`);
    await page.waitForSelector('body[data-ready="true"]');
  }

  const position = async (): Promise<number> => Number(await page.getAttribute('body', 'data-position'));

  /** The state panel as the page shows it, in the trace's own terms. */
  async function panel(): Promise<{ actors: Record<string, Record<string, string>>; connections: Record<string, Record<string, string>>; shared: Record<string, string>; changed: string[] }> {
    return page.evaluate(() => {
      const cells = (row: Element): Record<string, string> => Object.fromEntries(Array.from(row.querySelectorAll('td[data-field]')).map((td) => [td.getAttribute('data-field')!, td.textContent!.replace(/^[Δ ]+/, '')]));
      const rows = (attr: string): Record<string, Record<string, string>> => Object.fromEntries(Array.from(document.querySelectorAll(`#state tr[${attr}]`)).map((tr) => [tr.getAttribute(attr)!, cells(tr)]));
      const shared = Object.fromEntries(Object.entries(rows('data-shared')).map(([k, v]) => [k, v['value'] ?? '']));
      const changed = Array.from(document.querySelectorAll('#state tr[data-changed="true"]')).map((tr) => tr.getAttribute('data-actor') ?? tr.getAttribute('data-connection') ?? tr.getAttribute('data-shared')!);
      return { actors: rows('data-actor'), connections: rows('data-connection'), shared, changed };
    });
  }

  /** Asserts that the panel shows exactly the trace's world after `at` steps, and marks what changed. */
  async function assertPanelIs(trace: TraceV2, at: number): Promise<void> {
    const world = at === 0 ? trace.initial : trace.steps[at - 1]!.state;
    const before = at === 0 ? null : at === 1 ? trace.initial : trace.steps[at - 2]!.state;
    const shown = await panel();
    assert.deepEqual(Object.keys(shown.actors), [...trace.actors]);
    for (const [name, actor] of Object.entries(world.actors)) {
      assert.deepEqual(
        { state: shown.actors[name]!['state'], status: shown.actors[name]!['status'], detail: shown.actors[name]!['detail'], holds: shown.actors[name]!['holds'] },
        { state: actor.state, status: actor.status, detail: actor.detail ?? '', holds: actor.holds ?? '' },
        `step ${at}: ${name}`,
      );
    }
    for (const [name, connection] of Object.entries(world.connections ?? {})) {
      assert.equal(shown.connections[name]!['lock'], connection.lock ?? '(not observable on real SQLite)', `step ${at}: ${name}'s lock`);
      assert.equal(shown.connections[name]!['inTransaction'], connection.inTransaction ? 'yes' : 'no', `step ${at}: ${name} in a transaction`);
    }
    const expected = Object.fromEntries([...flattenShared(world.shared)].map(([k, v]) => [k, formatValue(v)]));
    if (world.clock !== undefined) expected['clock'] = `t=${world.clock / 1000}s`;
    assert.deepEqual(shown.shared, expected, `step ${at}: shared`);
    if (before !== null) {
      const changedActors = trace.actors.filter((name) => JSON.stringify(before.actors[name]) !== JSON.stringify(world.actors[name]));
      for (const name of changedActors) assert.ok(shown.changed.includes(name), `step ${at}: ${name} changed and is marked`);
      for (const name of shown.changed.filter((n) => trace.actors.includes(n))) assert.ok(changedActors.includes(name), `step ${at}: ${name} is marked but did not change`);
    }
  }

  it('steps through the tickets counterexample with the buttons, the keys and #step-N links; the state panel is the trace\'s own state at every step', async () => {
    const file = path.join(dir, 'tickets.html');
    lockstep(['check', 'tickets', '--variant', 'deferred', '--html', file]);
    const trace = embeddedTrace(file);
    await open(file);
    assert.equal(await position(), 0);
    await assertPanelIs(trace, 0);
    for (let at = 1; at <= trace.steps.length; at++) {
      await page.click('#next');
      assert.equal(await position(), at);
      await assertPanelIs(trace, at);
      assert.equal(new URL(page.url()).hash, `#step-${at}`);
    }
    await page.click('#next');
    assert.equal(await position(), trace.steps.length, 'next stops at the last step');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await position(), trace.steps.length - 1);
    await page.keyboard.press('Home');
    assert.equal(await position(), 0);
    await page.keyboard.press('End');
    assert.equal(await position(), trace.steps.length);
    await page.click('#back');
    assert.equal(await position(), trace.steps.length - 1);

    // A link to a step opens the page there; the breaking step is marked without colour (✗).
    await open(file, '#step-10');
    assert.equal(await position(), 10);
    await assertPanelIs(trace, 10);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'tickets-deferred-step-10.png'), fullPage: true });
    const broke = await page.textContent(`tr#step-${trace.brokeAt! + 1} td:first-child`);
    assert.match(broke ?? '', /✗/);
    assert.match((await page.textContent('#verdict')) ?? '', /VIOLATION of every-worker-acquires/);
    // What changed at step 10 is marked with a symbol, and unchanged items can be hidden.
    assert.ok((await page.$$eval('#state tr.changed .mark', (marks) => marks.map((m) => m.textContent))).every((t) => t === 'Δ '));
    const visibleBefore = await page.$$eval('#state tbody tr:not([hidden])', (rows) => rows.length);
    await page.check('#hide-unchanged');
    const visibleAfter = await page.$$eval('#state tbody tr:not([hidden])', (rows) => rows.length);
    assert.ok(visibleAfter < visibleBefore && visibleAfter === (await panel()).changed.length, 'only what changed stays visible');
    await page.uncheck('#hide-unchanged');
  });

  it('branch here: from the tickets counterexample, worker-1 commits before worker-2 begins, and every worker acquires (judged in the page)', async () => {
    const file = path.join(dir, 'tickets.html');
    if (!existsSync(file)) lockstep(['check', 'tickets', '--variant', 'deferred', '--html', file]);
    // After step 7 worker-1 holds RESERVED; in the trace worker-2 begins next and fails at once.
    await open(file, '#step-7');
    assert.equal(await position(), 7);
    const offered = await page.$$eval('#branch button.choice', (buttons) => buttons.map((b) => b.textContent));
    assert.deepEqual(offered, ['worker-1', 'worker-2']);
    await page.click('#branch-worker-1');
    assert.equal(await page.getAttribute('body', 'data-mode'), 'branch');
    // Let the lowest actor go on until nobody can step.
    for (let guard = 0; guard < 50 && (await page.$('#branch button.choice')) !== null; guard++) await page.click('#branch button.choice >> nth=0');
    assert.match((await page.textContent('#branch-verdict')) ?? '', /✓ HOLDS: the run ended/);
    const shown = await panel();
    for (const name of ['worker-0', 'worker-1', 'worker-2']) assert.equal(shown.actors[name]!['status'], 'done', `${name} acquired`);
    assert.deepEqual(shown.shared, { 'locked_by.ticket-0': 'worker-0', 'locked_by.ticket-1': 'worker-1', 'locked_by.ticket-2': 'worker-2', clock: 't=0s' });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'tickets-deferred-branch-every-worker-acquires.png'), fullPage: true });
    await page.click('#back-to-trace');
    assert.equal(await page.getAttribute('body', 'data-mode'), 'trace');
    assert.equal(await position(), 7);
  });

  it('a real trace shows the model\'s and the real outcome side by side, and real SQLite\'s connections as observed', async () => {
    const file = path.join(dir, 'tickets-real.html');
    lockstep(['check', 'tickets', '--variant', 'deferred', '--engine', 'real', '--html', file]);
    const trace = embeddedTrace(file);
    assert.equal(trace.engine, 'real');
    await open(file, `#step-${trace.steps.length}`);
    await assertPanelIs(trace, trace.steps.length);
    const sides = await page.$$eval('[data-field="model-vs-real"]', (cells) => cells.map((c) => c.textContent));
    assert.equal(sides.length, trace.steps.length);
    assert.ok(sides.every((s) => /^model: .* \| real: .* \(agree\)$/.test(s ?? '')), sides.join('\n'));
  });

  it('docs viewer files open and draw their traces; the time an 8-worker trace takes to open is measured and printed', async () => {
    const files = ['tickets-deferred.html', 'tickets-immediate.html', 'lifecycle-missing-complete.html', 'writer-gap-queued.html', 'stale-lock-check-then-remove.html'];
    for (const name of files) {
      const file = path.join(DOCS_VIEWER, name);
      const trace = embeddedTrace(file);
      await open(file, `#step-${trace.steps.length}`);
      await assertPanelIs(trace, trace.steps.length);
      assert.equal(await page.$$eval('.lanes tbody tr', (rows) => rows.length), trace.steps.length + 1, `${name}: a row per step and the start`);
    }
    const eight = path.join(dir, 'tickets-8.html');
    lockstep(['check', 'tickets', '--variant', 'deferred', '--workers', '8', '--html', eight]);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.goto(pathToFileURL(eight).href);
      await page.waitForSelector('body[data-ready="true"]');
      times.push(await page.evaluate(() => performance.now()));
    }
    const trace = embeddedTrace(eight);
    console.log(`      8-worker tickets/deferred viewer: ${trace.steps.length} steps, ${statSync(eight).size} bytes; ready ${times.map((t) => `${Math.round(t)} ms`).join(', ')} after navigation start (3 loads)`);
  });

  it('no request left any page: every request was for the viewer file itself', () => {
    assert.ok(requests.length > 0);
    const foreign = requests.filter((url) => !url.startsWith('file://') || !url.endsWith('.html') && !/\.html#/.test(url));
    assert.deepEqual(foreign, [], 'requests other than the viewer files, or page errors');
    console.log(`      screenshots for a reviewer: ${SCREENSHOTS}`);
  });
});
