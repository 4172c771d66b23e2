/// <reference lib="dom" />
/**
 * The trace viewer's page (bundled by esbuild into every viewer file: sim/view/viewer-bundle.ts). It reads the
 * format-2 trace embedded in the page (`<script type="application/json" id="lockstep-trace">`) and shows it:
 * one lane per actor and one for what they share, the state panel of the current step (what changed marked with
 * a symbol, unchanged items hideable), the property and its verdict with the breaking step marked, the model's
 * and the real outcome side by side for a real trace, buttons and keys to step, a link per step (#step-N), and
 * "branch here": the scenario's model runs in the page (branch-run.ts) from any step, judged as it goes.
 *
 * Contract with the tests (test/viewer.test.ts): every state item carries data-* attributes naming what it
 * shows (`tr[data-actor]`, `tr[data-connection]`, `tr[data-shared]`, `td[data-field]`), the body gets
 * `data-ready="true"` once the page is drawn, and `data-position` / `data-mode` say where the reader is.
 */
import type { ExposedWorld, JsonValue } from '../../../spec/scenario-model.js';
import { findDefinition } from '../../scenarios/definitions.js';
import type { TraceStepV2, TraceV2 } from '../../trace.js';
import type { BranchState, Brancher } from '../branch-run.js';
import { brancherFor, BranchError } from '../branch-run.js';
import { changedKeys, flattenShared, formatConnectionLock, formatValue } from '../world-view.js';

/** What the lanes and the state panel show: the trace itself, or a branch the reader is making. */
interface Shown {
  readonly actors: readonly string[];
  readonly initial: ExposedWorld;
  readonly steps: readonly TraceStepV2[];
  /** 0-based index of the breaking step, or null. */
  readonly brokeAt: number | null;
  /** Steps before this index come from the trace; from it on, the reader chose them (branch mode). */
  readonly branchFrom: number | null;
}

const trace = JSON.parse(document.getElementById('lockstep-trace')!.textContent!) as TraceV2;
const app = document.getElementById('app')!;

let position = 0;
let hideUnchanged = false;
let branch: { brancher: Brancher<unknown>; state: BranchState<unknown>; returnTo: number } | null = null;

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
};

function shown(): Shown {
  if (branch === null) return { actors: trace.actors, initial: trace.initial, steps: trace.steps, brokeAt: trace.brokeAt !== null && trace.brokeAt < trace.steps.length ? trace.brokeAt : null, branchFrom: null };
  const s = branch.state;
  return { actors: trace.actors, initial: s.initial, steps: s.steps, brokeAt: s.violation?.at ?? null, branchFrom: s.from };
}

const worldAt = (view: Shown, at: number): ExposedWorld => (at === 0 ? view.initial : view.steps[at - 1]!.state);

// ---------------------------------------------------------------- header: what ran and the verdict

function header(): HTMLElement {
  const params = Object.entries(trace.params).map(([k, v]) => `${k}=${String(v)}`).join(' ');
  const broke = trace.properties.find((p) => p.name === trace.property);
  const verdict =
    trace.verdict === 'violation'
      ? el('p', { class: 'verdict bad', id: 'verdict' }, `✗ VIOLATION of ${trace.property ?? ''}: ${trace.message ?? ''}`)
      : el('p', { class: 'verdict good', id: 'verdict' }, trace.verdict === 'holds' ? '✓ HOLDS: every property below held on this run' : `? ${trace.verdict.toUpperCase()}`);
  const where = trace.brokeAt !== null && trace.brokeAt < trace.steps.length ? el('p', {}, 'Broken at ', el('a', { href: `#step-${trace.brokeAt + 1}`, id: 'broke-link' }, `step ${trace.brokeAt + 1}`), broke?.kind === 'safety' ? ' (the first world that breaks it).' : ' (where the run ends: an outcome is judged at the end).') : el('p', {});
  const properties = el('ul', { class: 'properties' });
  for (const p of trace.properties) properties.append(el('li', {}, el('strong', {}, p.name === trace.property ? `✗ ${p.name}` : p.name), ` (${p.kind}): ${p.claim}`));
  return el(
    'header',
    {},
    el('h1', {}, `${trace.scenario} / ${trace.variant}`, el('span', { class: 'engine' }, ` on the ${trace.engine === 'sim' ? 'model (sim engine)' : 'real engine (real SQLite)'}`)),
    el('p', { class: 'params' }, params),
    verdict,
    where,
    el('details', {}, el('summary', {}, 'Properties judged'), properties),
    el('p', { class: 'small' }, 'Reproduce: ', el('code', {}, trace.reproduce), ` · lockstep ${trace.tool.version}, SQLite ${trace.tool.sqlite ?? 'n/a'}, Node ${trace.tool.node}`),
  );
}

// ---------------------------------------------------------------- controls

function button(label: string, id: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', { type: 'button', id, title, 'aria-label': title }, label);
  b.addEventListener('click', onClick);
  return b;
}

function controls(view: Shown): HTMLElement {
  const last = view.steps.length;
  const hide = el('input', { type: 'checkbox', id: 'hide-unchanged' });
  hide.checked = hideUnchanged;
  hide.addEventListener('change', () => {
    hideUnchanged = hide.checked;
    draw();
  });
  const nav = el(
    'nav',
    { class: 'controls', 'aria-label': 'step through the trace' },
    button('« first', 'first', 'first step (Home)', () => go(0)),
    button('◀ back', 'back', 'step back (←)', () => go(position - 1)),
    button('next ▶', 'next', 'step forward (→)', () => go(position + 1)),
    button('last »', 'last', 'last step (End)', () => go(last)),
    el('span', { id: 'position', 'aria-live': 'polite' }, position === 0 ? `start (before step 1) of ${last} steps` : `step ${position} of ${last}`),
    el('label', { for: 'hide-unchanged' }, hide, ' hide unchanged items'),
  );
  return nav;
}

// ---------------------------------------------------------------- lanes: one column per actor, one for what they share

/** What changed in the shared lane at one step: connections' locks, shared values, the clock. */
function sharedChanges(before: ExposedWorld, after: ExposedWorld): string[] {
  const out: string[] = [];
  for (const [name, c] of Object.entries(after.connections ?? {})) {
    const was = before.connections?.[name];
    if (was === undefined || was.lock !== c.lock || was.inTransaction !== c.inTransaction) out.push(`${name}: ${formatConnectionLock(was)} → ${formatConnectionLock(c)}`);
  }
  const a = flattenShared(before.shared);
  const b = flattenShared(after.shared);
  for (const key of changedKeys(a, b)) out.push(`${key}: ${formatValue(a.get(key))} → ${formatValue(b.get(key))}`);
  if (before.clock !== after.clock && after.clock !== undefined) out.push(`clock: t=${(before.clock ?? 0) / 1000}s → t=${after.clock / 1000}s`);
  return out;
}

function lanes(view: Shown): HTMLElement {
  const head = el('tr', {}, el('th', { scope: 'col' }, '#'), ...view.actors.map((a) => el('th', { scope: 'col' }, a)), el('th', { scope: 'col', class: 'shared-lane' }, trace.shared));
  const body = el('tbody');
  const start = el('tr', { id: 'step-0', 'data-step': '0' }, el('td', {}, el('a', { href: '#step-0' }, 'start')), ...view.actors.map(() => el('td', {})), el('td', { class: 'shared-lane' }, 'the initial world'));
  body.append(start);
  view.steps.forEach((step, i) => {
    const n = i + 1;
    const marks: string[] = [];
    if (view.brokeAt === i) marks.push('✗');
    if (view.branchFrom !== null && i >= view.branchFrom) marks.push('↪');
    const row = el('tr', { id: `step-${n}`, 'data-step': String(n) });
    if (view.brokeAt === i) row.classList.add('broke');
    if (view.branchFrom !== null && i >= view.branchFrom) row.classList.add('branched');
    row.append(el('td', {}, el('a', { href: `#step-${n}` }, `${marks.join(' ')}${marks.length ? ' ' : ''}${n}`)));
    for (const actor of view.actors) {
      if (actor !== step.actor) {
        row.append(el('td', {}));
        continue;
      }
      const cell = el('td', { class: 'act' }, el('span', { class: 'action' }, step.action), ' → ', el('span', { class: 'outcome' }, step.outcome));
      if (trace.engine === 'real' && view.branchFrom === null) {
        const model = step.model ?? step;
        const differs = step.model !== undefined;
        cell.append(el('div', { class: `sidebyside${differs ? ' differs' : ''}`, 'data-field': 'model-vs-real' }, `model: ${model.outcome} | real: ${step.outcome}${differs ? ' ≠ DIFFERENT' : ' (agree)'}`));
      }
      row.append(cell);
    }
    row.append(el('td', { class: 'shared-lane' }, sharedChanges(worldAt(view, i), step.state).join('; ')));
    if (n === position) {
      row.classList.add('current');
      row.setAttribute('aria-current', 'step');
    }
    body.append(row);
  });
  if (position === 0) {
    start.classList.add('current');
    start.setAttribute('aria-current', 'step');
  }
  return el('section', { class: 'lanes', 'aria-label': 'the steps, one lane per actor' }, el('h2', {}, 'Steps'), el('table', {}, el('thead', {}, head), body));
}

// ---------------------------------------------------------------- state panel

function stateRow(attrs: Record<string, string>, changed: boolean, cells: [string, string][]): HTMLTableRowElement {
  const row = el('tr', { ...attrs, 'data-changed': String(changed) });
  if (changed) row.classList.add('changed');
  else if (hideUnchanged) row.hidden = true;
  cells.forEach(([field, text], i) => {
    const cell = el('td', { 'data-field': field });
    if (i === 0) cell.append(el('span', { class: 'mark', 'aria-label': changed ? 'changed' : 'unchanged' }, changed ? 'Δ ' : '  '));
    cell.append(text);
    row.append(cell);
  });
  return row;
}

function table(caption: string, headings: string[], rows: HTMLTableRowElement[]): HTMLElement {
  return el('table', {}, el('caption', {}, caption), el('thead', {}, el('tr', {}, ...headings.map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, ...rows));
}

function statePanel(view: Shown): HTMLElement {
  const world = worldAt(view, position);
  const before = position === 0 ? null : worldAt(view, position - 1);
  const step = position === 0 ? null : view.steps[position - 1]!;
  const title = step === null ? 'The initial world' : `After step ${position}: ${step.actor} ${step.action} → ${step.outcome}`;
  const parts: HTMLElement[] = [el('h2', { id: 'state-title' }, title)];

  const actorRows = view.actors.map((name) => {
    const a = world.actors[name];
    const b = before?.actors[name];
    const changed = before !== null && JSON.stringify(a) !== JSON.stringify(b);
    return stateRow({ 'data-actor': name }, changed, [
      ['name', name],
      ['state', a?.state ?? ''],
      ['status', a?.status ?? ''],
      ['detail', a?.detail ?? ''],
      ['holds', a?.holds ?? ''],
    ]);
  });
  parts.push(table('Actors', ['actor', 'state', 'status', 'detail', 'holds'], actorRows));

  const connections = Object.entries(world.connections ?? {});
  if (connections.length > 0) {
    const rows = connections.map(([name, c]) => {
      const b = before?.connections?.[name];
      const changed = before !== null && (b === undefined || b.lock !== c.lock || b.inTransaction !== c.inTransaction);
      return stateRow({ 'data-connection': name }, changed, [
        ['name', name],
        ['lock', c.lock ?? '(not observable on real SQLite)'],
        ['inTransaction', c.inTransaction ? 'yes' : 'no'],
      ]);
    });
    parts.push(table('SQLite connections', ['connection', 'lock', 'in transaction'], rows));
  }

  const shared = flattenShared(world.shared);
  if (shared.size > 0 || world.clock !== undefined) {
    const previous = before === null ? null : flattenShared(before.shared);
    const changedSet = previous === null ? new Set<string>() : new Set(changedKeys(previous, shared));
    const rows = [...shared.entries()].map(([key, value]) => stateRow({ 'data-shared': key }, changedSet.has(key), [['key', key], ['value', formatValue(value)]]));
    if (world.clock !== undefined) rows.push(stateRow({ 'data-shared': 'clock' }, before !== null && before.clock !== world.clock, [['key', 'virtual clock'], ['value', `t=${world.clock / 1000}s`]]));
    parts.push(table(`Shared (${trace.shared})`, ['what', 'value'], rows));
  }
  parts.push(el('p', { class: 'small' }, 'Δ marks what changed at this step.'));
  return el('section', { class: 'state', 'aria-label': 'the world after this step', id: 'state' }, ...parts);
}

// ---------------------------------------------------------------- branch here

function branchPanel(view: Shown): HTMLElement {
  const section = el('section', { class: 'branch', id: 'branch', 'aria-label': 'branch here' }, el('h2', {}, 'Branch here'));
  const definition = findDefinition(trace.scenario);
  if (definition === undefined) {
    section.append(el('p', {}, `This viewer has no model of the scenario ${trace.scenario}: branching is not available.`));
    return section;
  }
  if (branch === null) {
    section.append(el('p', {}, `Let another actor take step ${position + 1}: the model of ${trace.scenario}/${trace.variant} runs in this page from the world after ${position === 0 ? 'the start' : `step ${position}`}, judged by the same properties as you go.`));
    let state: BranchState<unknown>;
    let brancher: Brancher<unknown>;
    try {
      brancher = brancherFor(definition, trace.variant, trace.params);
      state = brancher.start(trace.schedule, position);
    } catch (error) {
      section.append(el('p', { class: 'bad' }, error instanceof BranchError || error instanceof Error ? error.message : String(error)));
      return section;
    }
    section.append(actorButtons(brancher, state, position));
    return section;
  }
  const s = branch.state;
  const verdict =
    s.violation !== null
      ? el('p', { class: 'verdict bad', id: 'branch-verdict' }, `✗ VIOLATION of ${s.violation.property} at step ${s.violation.at + 1}: ${s.violation.message}`)
      : s.ended
        ? el('p', { class: 'verdict good', id: 'branch-verdict' }, `✓ HOLDS: the run ended after ${s.steps.length} steps with every property held`)
        : el('p', { class: 'verdict', id: 'branch-verdict' }, `… every property holds so far (${s.steps.length} steps; safety judged after each step, outcomes when the run ends)`);
  section.append(
    el('p', {}, `A branch of the model from step ${s.from} (↪ marks your steps).`),
    verdict,
    actorButtons(branch.brancher, s, null),
    button('↩ back to the trace', 'back-to-trace', 'back to the trace', () => {
      const to = branch!.returnTo;
      branch = null;
      go(to);
    }),
  );
  void view;
  return section;
}

function actorButtons(brancher: Brancher<unknown>, state: BranchState<unknown>, startAt: number | null): HTMLElement {
  const box = el('div', { class: 'choices', role: 'group', 'aria-label': 'actors that can step now' });
  if (state.enabled.length === 0) {
    box.append(el('p', {}, state.violation !== null ? 'The run is broken here: nobody steps on.' : 'Nobody can step: the run has ended here.'));
    return box;
  }
  box.append(el('span', {}, 'Next step by: '));
  for (const actor of state.enabled) {
    const name = brancher.model.actors[actor]!;
    const b = button(`${name}`, `branch-${name}`, `let ${name} take the next step`, () => {
      const from = branch === null ? state : branch.state;
      branch = { brancher, state: brancher.step(from, actor), returnTo: branch?.returnTo ?? startAt ?? position };
      position = branch.state.steps.length;
      draw();
    });
    b.classList.add('choice');
    box.append(b);
  }
  return box;
}

// ---------------------------------------------------------------- drawing and moving

function draw(): void {
  const view = shown();
  position = Math.max(0, Math.min(position, view.steps.length));
  document.body.dataset['position'] = String(position);
  document.body.dataset['mode'] = branch === null ? 'trace' : 'branch';
  app.replaceChildren(header(), controls(view), el('div', { class: 'layout' }, lanes(view), el('div', { class: 'side' }, statePanel(view), branchPanel(view))));
  document.querySelector('tr.current')?.scrollIntoView?.({ block: 'nearest' });
}

function go(to: number): void {
  const view = shown();
  position = Math.max(0, Math.min(to, view.steps.length));
  if (branch === null) {
    const hash = `#step-${position}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }
  draw();
}

function fromHash(): void {
  const match = /^#step-(\d+)$/.exec(location.hash);
  if (match !== null && branch === null) {
    position = Number(match[1]);
    draw();
  }
}

document.addEventListener('keydown', (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const target = event.target as HTMLElement | null;
  if (target !== null && target.tagName === 'INPUT' && (target as HTMLInputElement).type !== 'checkbox') return;
  const moves: Record<string, () => number> = {
    ArrowRight: () => position + 1,
    ArrowLeft: () => position - 1,
    Home: () => 0,
    End: () => shown().steps.length,
  };
  const move = moves[event.key];
  if (move === undefined) return;
  event.preventDefault();
  go(move());
});
window.addEventListener('hashchange', fromHash);

// A link in the page (#step-N) moves there; the initial hash too.
const initial = /^#step-(\d+)$/.exec(location.hash);
position = initial === null ? 0 : Number(initial[1]);
draw();
document.body.dataset['ready'] = 'true';

export type { JsonValue };
