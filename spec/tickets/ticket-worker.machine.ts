/**
 * One worker of the ticket repository (seed 002, Actifix), as its code runs: each state names the next SQL
 * statement the worker will issue; the answer of that statement is the event.
 *
 * acquire(ticket): BEGIN <mode>; SELECT the ticket; if free, UPDATE locked_by (and the lease); COMMIT; on an
 * error, ROLLBACK and report failure. get-and-lock-next: BEGIN; SELECT tickets in order until a free one;
 * UPDATE it; COMMIT. The repository's `transaction()` context manager issues BEGIN inside its try block, so a
 * failed BEGIN has no transaction to roll back and is reported as a failure at once.
 */
import { assign, setup } from 'xstate';
import type { BeginMode } from '../sqlite/lock-script.js';

export type TicketWorkload = 'acquire' | 'next';

export interface TicketWorkerInput {
  /** 1-based holder id written into locked_by (0 means free). */
  readonly me: number;
  readonly mode: BeginMode;
  readonly workload: TicketWorkload;
  /** acquire: the ticket to lock; next: the first ticket to look at (0). */
  readonly ticket: number;
  readonly tickets: number;
}

export interface TicketWorkerContext extends TicketWorkerInput {
  /** The error code that made the worker fail, or 'taken' when no free ticket was found. */
  readonly error: string | null;
}

export type TicketWorkerEvent =
  | { readonly type: 'SQL_OK'; readonly value?: number }
  | { readonly type: 'SQL_FAILED'; readonly code: string };

export const ticketWorkerMachine = setup({
  types: {
    context: {} as TicketWorkerContext,
    events: {} as TicketWorkerEvent,
    input: {} as TicketWorkerInput,
  },
  guards: {
    isFree: ({ event }) => event.type === 'SQL_OK' && event.value === 0,
    /** get-and-lock-next: another ticket is left to look at. */
    hasNextTicket: ({ context }) => context.workload === 'next' && context.ticket + 1 < context.tickets,
  },
  actions: {
    recordError: assign({ error: ({ event }) => (event.type === 'SQL_FAILED' ? event.code : null) }),
    recordTaken: assign({ error: () => 'taken' }),
    lookAtNextTicket: assign({ ticket: ({ context }) => context.ticket + 1 }),
  },
}).createMachine({
  id: 'ticketWorker',
  context: ({ input }) => ({ ...input, error: null }),
  initial: 'beginning',
  states: {
    beginning: {
      on: { SQL_OK: 'reading', SQL_FAILED: { target: 'failed', actions: 'recordError' } },
    },
    reading: {
      on: {
        SQL_OK: [
          { guard: 'isFree', target: 'writing' },
          { guard: 'hasNextTicket', target: 'reading', actions: 'lookAtNextTicket', reenter: true },
          { target: 'committingTaken' },
        ],
        SQL_FAILED: { target: 'rollingBack', actions: 'recordError' },
      },
    },
    writing: {
      on: { SQL_OK: 'committing', SQL_FAILED: { target: 'rollingBack', actions: 'recordError' } },
    },
    committing: {
      on: { SQL_OK: 'acquired', SQL_FAILED: { target: 'rollingBack', actions: 'recordError' } },
    },
    /** The ticket (or every ticket) was already locked: end the read transaction and report it. */
    committingTaken: {
      on: { SQL_OK: { target: 'failed', actions: 'recordTaken' }, SQL_FAILED: { target: 'rollingBack', actions: 'recordTaken' } },
    },
    rollingBack: {
      on: { SQL_OK: 'failed', SQL_FAILED: 'failed' },
    },
    acquired: { type: 'final' },
    failed: { type: 'final' },
  },
});

export type TicketWorkerState =
  | 'beginning'
  | 'reading'
  | 'writing'
  | 'committing'
  | 'committingTaken'
  | 'rollingBack'
  | 'acquired'
  | 'failed';
