/**
 * `lockstep docs [--check] [PAGE...]`: refills the generated blocks of the docs pages (sim/docs/
 * generated-blocks.ts) by running each block's lockstep command in a child process, exactly as a user would;
 * with `--check`, changes nothing and exits 1 naming every block that differs from what the tool prints now.
 * Pages default to every .md file of docs/. Exit 2 on a page that cannot be read or has an unclosed marker,
 * or on a block whose command is itself bad usage.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
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
      const bodies = blocks.map((block) => {
        const ran = spawnSync(process.execPath, [BIN, ...block.args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
        if (ran.error !== undefined) throw ran.error;
        if (ran.status === 2) throw new UsageError(`${page} line ${block.line}: 'lockstep ${block.args.join(' ')}' is bad usage: ${ran.stderr.trim()}`);
        return blockBody(block.args, ran.stdout);
      });
      const filled = fillBlocks(text, blocks, bodies);
      const stale = blocks.filter((block, i) => text.slice(block.start, block.end) !== bodies[i]);
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
