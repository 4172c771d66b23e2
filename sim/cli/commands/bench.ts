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
import { Prng } from '../../prng.js';
import { replayOnReal } from '../../real-replay.js';
import { runChoices } from '../../run-schedule.js';
import { ticketsBinding } from '../../scenarios/tickets.binding.js';
import { defineCommand } from '../options/command.js';
import { jsonOption } from '../options/shared-options.js';
import { printJson } from '../json-envelope.js';

const SCRIPTS = 1000;
/** Schedules of the ticket scenario replayed on the real engine, per variant. */
const TICKET_SCHEDULES = 100;

/**
 * Real schedules per second on the ticket scenario: seeded random schedules (3 workers, journal delete) drawn
 * on the model, each replayed on a fresh real run (temporary database, one connection per worker, the gates)
 * and compared step by step, as `check --engine real` does. Returns the counts and the elapsed time.
 */
async function realTicketSchedules(): Promise<{ schedules: number; steps: number; ms: number; openMs: number; disagreements: number }> {
  const params = { workers: 3, journal: 'delete', workload: 'acquire', busyTimeoutMs: 5000 };
  const prng = new Prng(1);
  const runs = (['deferred', 'immediate'] as const).flatMap((variant) => {
    const model = ticketsBinding.model(variant, params);
    return Array.from({ length: TICKET_SCHEDULES }, () => {
      const choices = Array.from({ length: 40 }, () => prng.below(8));
      return { variant, run: runChoices(model, ticketsBinding.properties, choices) };
    });
  });
  let steps = 0;
  let disagreements = 0;
  let openMs = 0;
  const start = performance.now();
  for (const { variant, run } of runs) {
    // A safety violation stops a run early; otherwise the run went on until nobody could step.
    const safety = ticketsBinding.properties.some((p) => p.kind === 'safety' && p.name === run.violation?.property);
    const open = async () => {
      const opening = performance.now();
      const opened = await ticketsBinding.openReal(variant, params);
      openMs += performance.now() - opening;
      return opened;
    };
    const real = await replayOnReal(open, ticketsBinding.properties, run.schedule, run.steps, !safety);
    steps += real.steps.length;
    if (real.mismatch !== null) disagreements += 1;
  }
  return { schedules: runs.length, steps, ms: performance.now() - start, openMs, disagreements };
}

function timed<T>(f: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = f();
  return { value, ms: performance.now() - start };
}

const perSecond = (count: number, ms: number): number => Math.round((count / ms) * 1000);

export const benchCommand = defineCommand({
  name: 'bench',
  summary: 'model and real step rates beside raw better-sqlite3, exhaustive world rates, real schedules/s on tickets',
  options: { json: jsonOption },
  examples: ['lockstep bench', 'npm run bench'],
  async run({ values }) {
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
    const tickets = await realTicketSchedules();
    const report = {
      scripts: SCRIPTS,
      steps,
      modelStepsPerSecond: perSecond(steps, model.ms),
      realStepsPerSecond: perSecond(steps, real.ms),
      rawStepsPerSecond: perSecond(raw.steps, raw.ms),
      realOverRaw: Number((perSecond(steps, real.ms) / perSecond(raw.steps, raw.ms)).toFixed(3)),
      modelOverReal: Number((perSecond(steps, model.ms) / perSecond(steps, real.ms)).toFixed(3)),
      exhaustiveTicketsImmediate: exhaustive,
      realTickets: {
        schedules: tickets.schedules,
        steps: tickets.steps,
        disagreements: tickets.disagreements,
        schedulesPerSecond: perSecond(tickets.schedules, tickets.ms),
        stepsPerSecond: perSecond(tickets.steps, tickets.ms),
        stepsOverRaw: Number((perSecond(tickets.steps, tickets.ms) / perSecond(raw.steps, raw.ms)).toFixed(3)),
        openShare: Number((tickets.openMs / tickets.ms).toFixed(3)),
      },
    };
    if (values.json) {
      printJson('bench', report);
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
      `real engine, tickets (3 workers, journal delete, deferred and immediate): ${tickets.schedules} seeded schedules, ${tickets.steps} steps, ${tickets.disagreements} disagreements with the model`,
      `  ${report.realTickets.schedulesPerSecond.toLocaleString('en')} schedules/s (fresh database and connections each), ${report.realTickets.stepsPerSecond.toLocaleString('en')} steps/s; opening the run takes ${Math.round(report.realTickets.openShare * 100)}% of the time`,
      `  beside raw better-sqlite3 ${report.rawStepsPerSecond.toLocaleString('en')} steps/s: real tickets / raw = ${report.realTickets.stepsOverRaw}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
});
