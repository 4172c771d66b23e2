/**
 * `lockstep bench [--json]`: speed, measured in one run on this machine and reported as rates and ratios
 * (never asserted in tests). Model steps per second (the XState lock machines), real lock-step steps per
 * second (the driver on real SQLite, reusing databases and prepared statements), the raw better-sqlite3 rate
 * on the same statements with no driver around it, and exhaustive exploration of the ticket scenario.
 */
import { performance } from 'node:perf_hooks';
import { LockStepPool, rawStatementRate, sampleScripts } from '../../../impl/lock-step/index.js';
import { predict } from '../../../spec/sqlite/predict.js';
import type { LockScript } from '../../../spec/sqlite/lock-script.js';
import { createTicketsModel } from '../../../spec/tickets/tickets.model.js';
import { TICKETS_PROPERTIES } from '../../../properties/tickets.js';
import { exploreExhaustively } from '../../strategies/exhaustive-strategy.js';
import { parseOptions } from '../command-options.js';
import { UsageError } from '../usage-error.js';
import type { Command } from './command.js';

const SCRIPTS = 1000;

function timed<T>(f: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = f();
  return { value, ms: performance.now() - start };
}

const perSecond = (count: number, ms: number): number => Math.round((count / ms) * 1000);

export const benchCommand: Command = {
  name: 'bench',
  synopsis: 'bench [--json]   model and real step rates, raw better-sqlite3, exhaustive world rates',
  async run(argv) {
    const options = parseOptions(argv, { flags: ['--json'], values: {} });
    if (options.positionals.length > 0) throw new UsageError(`bench takes no arguments, got '${options.positionals.join(' ')}'`);
    const scripts = sampleScripts(SCRIPTS, 1) as unknown as LockScript[];
    const steps = scripts.reduce((n, s) => n + s.steps.length, 0);
    predict(scripts[0]!); // warm up
    const model = timed(() => scripts.forEach((s) => predict(s)));
    const pool = new LockStepPool();
    let real;
    try {
      real = timed(() => scripts.forEach((s) => pool.run(s)));
    } finally {
      pool.close();
    }
    const raw = rawStatementRate(scripts);
    const exhaustive = [3, 4, 5, 6, 7, 8].map((workers) => {
      const m = createTicketsModel({ workers, journal: 'delete', mode: 'immediate', workload: 'acquire', busyTimeoutMs: 5000 });
      const run = timed(() => exploreExhaustively(m, TICKETS_PROPERTIES));
      return { workers, verdict: run.value.verdict, worlds: run.value.worlds, ms: Math.round(run.ms), worldsPerSecond: perSecond(run.value.worlds, run.ms) };
    });
    const report = {
      scripts: SCRIPTS,
      steps,
      modelStepsPerSecond: perSecond(steps, model.ms),
      realStepsPerSecond: perSecond(steps, real.ms),
      rawStepsPerSecond: perSecond(raw.steps, raw.ms),
      realOverRaw: Number((perSecond(steps, real.ms) / perSecond(raw.steps, raw.ms)).toFixed(3)),
      modelOverReal: Number((perSecond(steps, model.ms) / perSecond(steps, real.ms)).toFixed(3)),
      exhaustiveTicketsImmediate: exhaustive,
    };
    if (options.flags.has('--json')) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    const lines = [
      `lock scripts: ${SCRIPTS} seeded scripts, ${steps} steps, both journal modes`,
      `  model (XState lock machines)        ${report.modelStepsPerSecond.toLocaleString('en')} steps/s`,
      `  real lock-step driver (reused db)   ${report.realStepsPerSecond.toLocaleString('en')} steps/s`,
      `  raw better-sqlite3, same statements ${report.rawStepsPerSecond.toLocaleString('en')} steps/s`,
      `  real / raw = ${report.realOverRaw}   model / real = ${report.modelOverReal}`,
      'exhaustive, tickets/immediate (journal delete, symmetry reduction):',
      ...exhaustive.map((e) => `  ${e.workers} workers: ${e.worlds} worlds in ${e.ms} ms (${e.worldsPerSecond.toLocaleString('en')} worlds/s), ${e.verdict}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};
