/**
 * Generated blocks in the Markdown pages of docs/. A page holds prose written by hand and, between a pair of
 * markers, the verbatim output of a lockstep command:
 *
 *     <!-- lockstep check tickets --variant deferred --engine sim -->
 *     ```text
 *     (what `lockstep check tickets --variant deferred --engine sim` printed on stdout)
 *     ```
 *     <!-- /lockstep -->
 *
 * `lockstep docs` refills every block by running its command; `lockstep docs --check` (run by the test suite)
 * fails when a page differs from what the tool prints now, so the pages cannot drift from the tool.
 * A command with `--mermaid` is fenced as `mermaid` (GitHub draws it), any other as `text`.
 *
 * Elapsed times are the one thing in the output that varies from run to run; they are replaced by `…` and
 * the pages say so. Everything else is a pure function of the command (the sim engine is deterministic).
 */

export interface GeneratedBlock {
  /** The arguments after `lockstep`, as written in the opening marker. */
  readonly args: readonly string[];
  /** Offsets in the page of the text between the end of the opening marker line and the closing marker. */
  readonly start: number;
  readonly end: number;
  /** 1-based line of the opening marker, for messages. */
  readonly line: number;
}

const OPEN = /^<!-- lockstep (.+?) -->[ \t]*$/gm;
const CLOSE = '<!-- /lockstep -->';

export class DocsFormatError extends Error {
  override readonly name = 'DocsFormatError';
}

/** Finds every generated block of a page, in order; throws a DocsFormatError on an unclosed marker. */
export function findBlocks(page: string): GeneratedBlock[] {
  const blocks: GeneratedBlock[] = [];
  for (const match of page.matchAll(OPEN)) {
    const openEnd = match.index + match[0].length;
    const line = page.slice(0, match.index).split('\n').length;
    const close = page.indexOf(CLOSE, openEnd);
    const nextOpen = page.slice(openEnd).search(/^<!-- lockstep /m);
    if (close === -1 || (nextOpen !== -1 && openEnd + nextOpen < close)) throw new DocsFormatError(`line ${line}: '<!-- lockstep ${match[1]} -->' has no '${CLOSE}' after it`);
    const args = match[1]!.trim().split(/\s+/);
    blocks.push({ args, start: openEnd, end: close, line });
  }
  return blocks;
}

/** Replaces elapsed times ("in 839 ms", "67 ms") by "…", the only output that differs between two runs. */
export function withoutTimings(output: string): string {
  return output.replace(/\b\d+(\.\d+)? ?ms\b/g, '… ms').replace(/\b\d+(\.\d+)? s\b/g, '… s');
}

/** The text that goes between the markers for a command and what it printed. */
export function blockBody(args: readonly string[], stdout: string): string {
  const fence = args.includes('--mermaid') ? 'mermaid' : 'text';
  const body = withoutTimings(stdout).replace(/\s+$/, '');
  return `\n\`\`\`${fence}\n${body}\n\`\`\`\n`;
}

/** The page with every block's body replaced by `bodies[i]` (same order as findBlocks). */
export function fillBlocks(page: string, blocks: readonly GeneratedBlock[], bodies: readonly string[]): string {
  let out = '';
  let at = 0;
  blocks.forEach((block, i) => {
    out += page.slice(at, block.start) + bodies[i]!;
    at = block.end;
  });
  return out + page.slice(at);
}
