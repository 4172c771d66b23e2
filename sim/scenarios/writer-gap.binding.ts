/** The writer-gap scenario bound to both engines: its definition (writer-gap.scenario.ts, free of the real engines) and its real implementation. */
import { openWriterGapRun } from '../../impl/writer-gap/writer-gap.real-engine.js';
import type { WriterGapWorld } from '../../spec/writer-gap/writer-gap.model.js';
import type { WriterGapObservation } from '../../spec/writer-gap/writer-gap.observation.js';
import type { ScenarioBinding } from '../scenario-binding.js';
import { writerGapParams, writerGapScenario } from './writer-gap.scenario.js';

export { writerGapParams };

export const writerGapBinding: ScenarioBinding<WriterGapWorld, WriterGapObservation> = {
  ...writerGapScenario,
  openReal: (variant, params) => openWriterGapRun(writerGapParams(variant, params)),
};
