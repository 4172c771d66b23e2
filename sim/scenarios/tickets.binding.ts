/** The tickets scenario bound to both engines: its definition (tickets.scenario.ts, free of the real engines) and its real implementation. */
import { openTicketsRun } from '../../impl/tickets/tickets.real-engine.js';
import type { TicketsWorld } from '../../spec/tickets/tickets.model.js';
import type { TicketsObservation } from '../../spec/tickets/tickets.observation.js';
import type { ScenarioBinding } from '../scenario-binding.js';
import { ticketsParams, ticketsScenario } from './tickets.scenario.js';

export { ticketsParams };

export const ticketsBinding: ScenarioBinding<TicketsWorld, TicketsObservation> = {
  ...ticketsScenario,
  openReal: (variant, params) => openTicketsRun(ticketsParams(variant, params)),
};
