/**
 * `lockstep view TRACE [-o FILE.html]`: the trace viewer, one self-contained HTML file for a saved trace (format 2;
 * a format-1 trace is first run again on the model to record each step's world). Opens from disk, fetches
 * nothing. Exit 0 when the file is written, 2 on a bad trace or an output that cannot be written.
 */
import { readFileSync } from 'node:fs';
import type { Property } from '../../../properties/property.js';
import { findBinding } from '../../scenarios/index.js';
import { replaySchedule, ScheduleError } from '../../run-schedule.js';
import { modelTrace } from '../../trace-builder.js';
import type { AnyTrace, TraceV2 } from '../../trace.js';
import { parseTrace, TraceError } from '../../trace.js';
import { writeViewer } from '../../view/write-viewer.js';
import { defineCommand } from '../options/command.js';
import { text } from '../options/option.js';
import { UsageError } from '../usage-error.js';

export const viewCommand = defineCommand({
  name: 'view',
  summary: 'write the trace viewer for a saved trace: one self-contained HTML file to step through it, see every lock and row, and branch on the model in the page',
  positionals: { name: 'TRACE', describe: 'a trace JSON file written by check --trace-out (format 2, or format 1), or - for stdin (then give -o)', min: 1, max: 1 },
  options: {
    out: text('the HTML file to write (default: TRACE with .html for .json)', 'FILE', 'a file name in a writable folder', { short: 'o' }),
  },
  notes: ['the file needs no network and no other file: open it from disk in any browser; it prints'],
  examples: ['lockstep check tickets --variant deferred --trace-out t.json; lockstep view t.json -o t.html'],
  async run({ positionals, values }) {
    const file = positionals[0]!;
    const out = values.out ?? (file === '-' ? null : file.replace(/(\.json)?$/, '.html'));
    if (out === null) throw new UsageError('a trace read from stdin needs -o FILE.html');
    if (out === file) throw new UsageError(`-o ${out} would overwrite the trace itself: give another file name`);
    let textIn: string;
    try {
      textIn = readFileSync(file === '-' ? 0 : file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    let trace: AnyTrace;
    try {
      trace = parseTrace(textIn);
    } catch (error) {
      if (error instanceof TraceError) throw new UsageError(`${file}: ${error.message}`);
      throw error;
    }
    const v2 = trace.lockstep === 2 ? trace : upgrade(trace, file);
    const bytes = writeViewer(v2, out, '-o');
    process.stdout.write(`wrote ${out} (${bytes} bytes, ${v2.steps.length} steps): open it in a browser\n`);
    return 0;
  },
});

/** A format-1 trace as format 2: its schedule run again on the model, which records the world after every step. */
function upgrade(trace: Extract<AnyTrace, { lockstep: 1 }>, file: string): TraceV2 {
  const binding = findBinding(trace.scenario);
  if (binding === undefined) throw new UsageError(`${file}: unknown scenario '${trace.scenario}'`);
  let model;
  try {
    model = binding.model(trace.variant, trace.params);
  } catch (error) {
    throw new UsageError(`${file}: ${(error as Error).message}`);
  }
  let run;
  try {
    run = replaySchedule(model, binding.properties, trace.schedule);
  } catch (error) {
    if (error instanceof ScheduleError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
  const header = { scenario: trace.scenario, variant: trace.variant, params: trace.params, reproduce: `lockstep replay ${file} --engine ${trace.engine}`, properties: binding.properties as readonly Property<never>[] };
  return modelTrace(model, header, run);
}
