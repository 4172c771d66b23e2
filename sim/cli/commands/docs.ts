/**
 * `lockstep docs [--check] [PAGE...]`: refills the generated blocks of the docs pages (sim/docs/
 * generated-blocks.ts) by running each block's lockstep command in a child process, exactly as a user would;
 * with `--check`, changes nothing and exits 1 naming every block that differs from what the tool prints now.
 * Pages default to every .md file of docs/. Exit 2 on a page that cannot be read or has an unclosed marker,
 * or on a block whose command is itself bad usage.
 *
 * A viewer block, `<!-- lockstep viewer NAME.html check ARGS -->`, runs `lockstep check ARGS --html` and keeps the
 * viewer file it writes as docs/viewer/NAME.html (the counterexample, or the representative run of a hold); the
 * block's body is the link to it. `--check` compares the file too, byte for byte except for the embedded trace's
 * `tool` versions (lockstep, SQLite, Node): a page generated on Node 20 is not stale on Node 24.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { blockBody, DocsFormatError, fillBlocks, findBlocks } from '../../docs/generated-blocks.js';
import { UsageError } from '../usage-error.js';
import { readInputFile } from '../input-file.js';
import { defineCommand } from '../options/command.js';
import { flag } from '../options/option.js';

const BIN = fileURLToPath(new URL('../../../../bin/lockstep.js', import.meta.url));
const DOCS = fileURLToPath(new URL('../../../../docs/', import.meta.url));

export const docsCommand = defineCommand({
  name: 'docs',
  summary: "refill the generated traces and diagrams of docs/ from the tool's own output; --check fails on drift",
  positionals: { name: 'PAGE...', describe: 'docs pages to refill (default: every .md file of docs/)', min: 0, max: Infinity },
  options: { check: flag('change nothing; exit 1 naming every generated block that differs from what the tool prints now') },
  examples: ['lockstep docs --check', 'lockstep docs docs/tickets.md'],
  async run({ positionals, values }) {
    const check = values.check;
    const pages = positionals.length > 0 ? [...positionals] : listPages();
    let drift = 0;
    for (const page of pages) {
      const text = readInputFile(page, 'PAGE', 'a Markdown page of docs/', false);
      let blocks;
      try {
        blocks = findBlocks(text);
      } catch (error) {
        if (error instanceof DocsFormatError) throw new UsageError(`${page}: ${error.message}`);
        throw error;
      }
      const staleFiles = new Set<number>();
      const bodies = blocks.map((block, i) => {
        if (block.args[0] === 'viewer') {
          const viewer = viewerBlock(page, block.line, block.args, check);
          if (viewer.stale) staleFiles.add(i);
          return viewer.body;
        }
        const ran = spawnSync(process.execPath, [BIN, ...block.args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
        if (ran.error !== undefined) throw ran.error;
        if (ran.status === 2) throw new UsageError(`${page} line ${block.line}: 'lockstep ${block.args.join(' ')}' is bad usage: ${ran.stderr.trim()}`);
        return blockBody(block.args, ran.stdout);
      });
      const filled = fillBlocks(text, blocks, bodies);
      const stale = blocks.filter((block, i) => text.slice(block.start, block.end) !== bodies[i] || staleFiles.has(i));
      for (const block of stale) process.stdout.write(`${page} line ${block.line}: 'lockstep ${block.args.join(' ')}' ${check ? 'differs from what the tool prints now' : 'refreshed'}\n`);
      drift += stale.length;
      if (!check && filled !== text) {
        try {
          writeFileSync(page, filled);
        } catch (error) {
          throw new UsageError(`cannot write PAGE '${page}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (expected a writable Markdown page; --check writes nothing)`);
        }
      }
    }
    process.stdout.write(`${pages.length} pages, ${drift} ${check ? 'stale' : 'refreshed'} blocks\n`);
    return check && drift > 0 ? 1 : 0;
  },
});

/** The link a viewer block holds. */
export const viewerLink = (name: string): string => `\n[Step through this run in the trace viewer](viewer/${name}) (one self-contained HTML file: open it from disk).\n`;

/** Writes (or, with `check`, compares) docs/viewer/NAME for a viewer block; returns its body and whether the file was stale. */
function viewerBlock(page: string, line: number, args: readonly string[], check: boolean): { body: string; stale: boolean } {
  const [, name, ...command] = args;
  if (name === undefined || !/^[a-z0-9-]+\.html$/.test(name) || command[0] !== 'check') {
    throw new UsageError(`${page} line ${line}: a viewer block is '<!-- lockstep viewer NAME.html check SCENARIO ... -->', got 'lockstep ${args.join(' ')}'`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-docs-'));
  try {
    const file = join(dir, name);
    const ran = spawnSync(process.execPath, [BIN, ...command, '--html', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (ran.error !== undefined) throw ran.error;
    if (ran.status === 2) throw new UsageError(`${page} line ${line}: 'lockstep ${command.join(' ')} --html' is bad usage: ${ran.stderr.trim()}`);
    const fresh = readFileSync(file, 'utf8');
    const target = join(DOCS, 'viewer', name);
    let old: string | null = null;
    try {
      old = readFileSync(target, 'utf8');
    } catch {
      old = null;
    }
    const stale = old === null || withoutToolVersions(old) !== withoutToolVersions(fresh);
    if (stale && !check) {
      mkdirSync(join(DOCS, 'viewer'), { recursive: true });
      writeFileSync(target, fresh);
    }
    return { body: viewerLink(name), stale };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The embedded trace's `"tool":{...}` (versions of the tool, of SQLite and of Node), blanked for comparison. */
export function withoutToolVersions(html: string): string {
  return html.replace(/"tool":\{[^{}]*\}/g, '"tool":{}');
}

function listPages(): string[] {
  try {
    return readdirSync(DOCS)
      .filter((name) => name.endsWith('.md'))
      .sort()
      .map((name) => join(DOCS, name));
  } catch {
    throw new UsageError(`no docs/ folder at ${DOCS}`);
  }
}
