/**
 * What the ticket scenario lets a property see, on either engine: each worker's state and what it believes
 * it holds, and the committed locked_by of every ticket (as a worker index, or null when free).
 */
export type TicketWorkerStatus = 'running' | 'waiting' | 'acquired' | 'failed';

export interface TicketWorkerView {
  readonly name: string;
  readonly status: TicketWorkerStatus;
  /** The ticket the worker believes it holds (when acquired). */
  readonly ticket: string | null;
  /** The error code that made it fail, or 'taken'. */
  readonly error: string | null;
}

export interface TicketsObservation {
  readonly workers: readonly TicketWorkerView[];
  /** Committed locked_by per ticket: the holding worker's index, or null. */
  readonly holders: Readonly<Record<string, number | null>>;
}

export const ticketName = (index: number): string => `ticket-${index}`;
export const workerName = (index: number): string => `worker-${index}`;
