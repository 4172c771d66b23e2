/**
 * The trace viewer's stylesheet, inlined in every viewer file. System fonts only (no external fonts), readable
 * without colour (every change and mark also has a symbol), visible keyboard focus, and a print layout that
 * drops the controls and prints every step.
 */
export const VIEWER_CSS = `
:root { color-scheme: light; --changed: #fff3b0; --broke: #ffd6d6; --branched: #dcefff; --current: #eef; --ink: #111; --muted: #555; }
* { box-sizing: border-box; }
body { margin: 0; padding: 1rem 1.25rem; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 1.35rem; margin: 0 0 .25rem; } h1 .engine { font-weight: normal; color: var(--muted); font-size: 1rem; }
h2 { font-size: 1.05rem; margin: .75rem 0 .4rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; background: #f3f3f3; padding: 0 .2em; }
.small { font-size: .85rem; color: var(--muted); } .params { font-family: ui-monospace, Menlo, Consolas, monospace; margin: 0; }
.verdict { font-weight: 600; margin: .4rem 0; } .verdict.bad { color: #8b0000; } .verdict.good { color: #0b5d1e; }
.controls { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .6rem 0; padding: .5rem; border: 1px solid #ccc; border-radius: 6px; background: #fafafa; position: sticky; top: 0; z-index: 1; }
button { font: inherit; padding: .25rem .6rem; border: 1px solid #777; border-radius: 4px; background: #fff; cursor: pointer; }
button:focus-visible, a:focus-visible, input:focus-visible { outline: 3px solid #1a5fb4; outline-offset: 2px; }
#position { font-weight: 600; min-width: 12rem; }
.layout { display: grid; grid-template-columns: minmax(0, 3fr) minmax(18rem, 2fr); gap: 1rem; align-items: start; }
@media (max-width: 900px) { .layout { grid-template-columns: 1fr; } }
table { border-collapse: collapse; width: 100%; margin-bottom: .6rem; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
th, td { border: 1px solid #ccc; padding: .2rem .4rem; vertical-align: top; text-align: left; font-size: .88rem; }
th { background: #f0f0f0; }
.lanes td.act .action { font-family: ui-monospace, Menlo, Consolas, monospace; }
.lanes .shared-lane { color: #333; font-size: .82rem; }
tr.current td { background: var(--current); font-weight: 600; } tr.current td:first-child::before { content: "▶ "; }
tr.broke td { background: var(--broke); } tr.broke.current td { background: #f7bcbc; }
tr.branched td:first-child { background: var(--branched); }
tr.changed td { background: var(--changed); } .mark { font-weight: 700; }
.sidebyside { font-size: .8rem; color: var(--muted); } .sidebyside.differs { color: #8b0000; font-weight: 700; }
.choices { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin: .4rem 0; }
.bad { color: #8b0000; }
@media print {
  .controls, .branch, details summary { display: none; }
  .layout { display: block; }
  tr[hidden] { display: table-row !important; }
  body { padding: 0; font-size: 11px; }
}
`;
