#!/usr/bin/env node
// The command-line entry point. The TypeScript sources are compiled to dist/ by `npm install` (the prepare
// script) and by `npm test`; this file only hands over to the compiled CLI.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/sim/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write('lockstep: not built yet; run `npm install` (or `npm run build`) in the lockstep folder\n');
  process.exit(2);
}
const { runCli } = await import(main);
process.exitCode = await runCli(process.argv.slice(2));
