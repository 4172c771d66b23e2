/**
 * One worker of the retry scenario (seeds 003 and 004: "retry with exponential backoff"), as its code runs:
 * it increments a counter by reading it and writing the value read plus one, inside a transaction
 * (BEGIN <mode>; SELECT; UPDATE; COMMIT), under a retry decorator. Each state names the worker's next step:
 * an SQL statement (whose answer is the event) or, in `backingOff`, the decorator's sleep (WOKE).
 *
 * Policies (the variants): `statement` retries only the statement that failed, inside the same transaction;
 * `transaction` lets the transaction roll back and runs it again from BEGIN; `none` does not retry (the
 * BEGIN IMMEDIATE variant). A failed attempt is retried while fewer than `maxAttempts` attempts of the unit
 * have been started; after a failure the transaction context manager issues ROLLBACK if a transaction is
 * still open (a failed BEGIN leaves none), and the error reaches the caller once the budget is spent.
 */
import { assign, setup } from 'xstate';
import { backoffDelayMs, jitterDraw } from './backoff.js';

export type RetryPolicy = 'statement' | 'transaction' | 'none';
export type RetryBeginMode = 'deferred' | 'immediate';
/** The statement a statement-level retry resumes at. */
export type RetryResume = 'beginning' | 'reading' | 'writing' | 'committing';

export interface RetryWorkerInput {
  readonly mode: RetryBeginMode;
  readonly policy: RetryPolicy;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  /** This worker's jitter stream (backoff.ts jitterStreamSeed). */
  readonly streamSeed: number;
}

export interface RetryWorkerContext extends RetryWorkerInput {
  /** The counter value the transaction read (what its UPDATE writes, plus one). */
  readonly value: number | null;
  /** The attempt number of the unit being tried (1-based). */
  readonly attempt: number;
  /** The most attempts started of one unit. */
  readonly mostAttempts: number;
  /** Jitter draws taken so far (one per planned retry). */
  readonly draws: number;
  /** The planned sleep, while backing off. */
  readonly delayMs: number;
  readonly resume: RetryResume;
  /** The code of the last failure. */
  readonly error: string | null;
}

export type RetryWorkerEvent =
  | { readonly type: 'SQL_OK'; readonly value?: number }
  | { readonly type: 'SQL_FAILED'; readonly code: string; readonly inTransaction: boolean }
  | { readonly type: 'WOKE' };

export type RetryWorkerState = RetryResume | 'rollingBack' | 'backingOff' | 'done' | 'failed';

const retryOrRollBack = (resume: RetryResume) =>
  [
    { guard: 'canRetryStatement', target: 'backingOff', actions: ['recordError', { type: 'planBackoff', params: { resume } }] },
    { guard: 'hasOpenTransaction', target: 'rollingBack', actions: 'recordError' },
    { guard: 'canRetryTransaction', target: 'backingOff', actions: ['recordError', { type: 'planBackoff', params: { resume: 'beginning' } }] },
    { target: 'failed', actions: 'recordError' },
  ] as const;

export const retryWorkerMachine = setup({
  types: {
    context: {} as RetryWorkerContext,
    events: {} as RetryWorkerEvent,
    input: {} as RetryWorkerInput,
  },
  guards: {
    canRetryStatement: ({ context }) => context.policy === 'statement' && context.attempt < context.maxAttempts,
    canRetryTransaction: ({ context }) => context.policy === 'transaction' && context.attempt < context.maxAttempts,
    hasOpenTransaction: ({ event }) => event.type === 'SQL_FAILED' && event.inTransaction,
    resumesAt: ({ context }, params: { resume: RetryResume }) => context.resume === params.resume,
  },
  actions: {
    recordError: assign({ error: ({ event }) => (event.type === 'SQL_FAILED' ? event.code : null) }),
    recordValue: assign({ value: ({ event }) => (event.type === 'SQL_OK' ? (event.value ?? null) : null) }),
    /** A statement-level retry counts the attempts of each statement anew. */
    statementSucceeded: assign({ attempt: ({ context }) => (context.policy === 'statement' ? 1 : context.attempt) }),
    planBackoff: assign(({ context }, params: { resume: RetryResume }) => ({
      delayMs: backoffDelayMs(context.baseDelayMs, context.attempt, jitterDraw(context.streamSeed, context.draws)),
      draws: context.draws + 1,
      resume: params.resume,
    })),
    startNextAttempt: assign(({ context }) => ({
      attempt: context.attempt + 1,
      mostAttempts: Math.max(context.mostAttempts, context.attempt + 1),
      delayMs: 0,
    })),
  },
}).createMachine({
  id: 'retryWorker',
  context: ({ input }) => ({ ...input, value: null, attempt: 1, mostAttempts: 1, draws: 0, delayMs: 0, resume: 'beginning', error: null }),
  initial: 'beginning',
  states: {
    beginning: {
      on: { SQL_OK: { target: 'reading', actions: 'statementSucceeded' }, SQL_FAILED: retryOrRollBack('beginning') },
    },
    reading: {
      on: { SQL_OK: { target: 'writing', actions: ['recordValue', 'statementSucceeded'] }, SQL_FAILED: retryOrRollBack('reading') },
    },
    writing: {
      on: { SQL_OK: { target: 'committing', actions: 'statementSucceeded' }, SQL_FAILED: retryOrRollBack('writing') },
    },
    committing: {
      on: { SQL_OK: 'done', SQL_FAILED: retryOrRollBack('committing') },
    },
    rollingBack: {
      on: {
        SQL_OK: [
          { guard: 'canRetryTransaction', target: 'backingOff', actions: { type: 'planBackoff', params: { resume: 'beginning' } } },
          { target: 'failed' },
        ],
        SQL_FAILED: 'failed',
      },
    },
    backingOff: {
      on: {
        WOKE: [
          { guard: { type: 'resumesAt', params: { resume: 'reading' } }, target: 'reading', actions: 'startNextAttempt' },
          { guard: { type: 'resumesAt', params: { resume: 'writing' } }, target: 'writing', actions: 'startNextAttempt' },
          { guard: { type: 'resumesAt', params: { resume: 'committing' } }, target: 'committing', actions: 'startNextAttempt' },
          { target: 'beginning', actions: 'startNextAttempt' },
        ],
      },
    },
    done: { type: 'final' },
    failed: { type: 'final' },
  },
});
