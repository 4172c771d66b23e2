/**
 * One self-contained HTML file for a format-2 trace: the trace as JSON in the page, the stylesheet and the
 * bundled viewer script inline, nothing fetched (a Content-Security-Policy forbids any request: no network, no
 * external fonts or scripts), so it opens from disk and prints. The file is a pure function of the trace and the
 * viewer's sources.
 */
import type { TraceV2 } from '../trace.js';
import { viewerScript } from './viewer-bundle.js';
import { VIEWER_CSS } from './viewer-style.js';

/** JSON that cannot close the script element it sits in, nor open a comment. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function viewerHtml(trace: TraceV2): string {
  const title = `${trace.scenario}/${trace.variant} on ${trace.engine}: ${trace.verdict === 'violation' ? `violation of ${trace.property ?? ''}` : trace.verdict} (lockstep trace viewer)`;
  const script = viewerScript().replace(/<\/script/gi, '<\\/script');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="generator" content="lockstep ${escapeHtml(trace.tool.version)}">
<title>${escapeHtml(title)}</title>
<style>${VIEWER_CSS}</style>
</head>
<body>
<noscript><p>The trace viewer needs JavaScript; the trace itself is in this file as JSON (lockstep-trace).</p></noscript>
<main id="app" aria-live="off"></main>
<script type="application/json" id="lockstep-trace">${scriptSafeJson(trace)}</script>
<script>${script}</script>
</body>
</html>
`;
}
