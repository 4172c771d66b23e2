/**
 * The background result writer (seed 001 and the redesign of seed 000): a loop over the write queue on the
 * shared connection. One step takes the next request off the queue and runs its INSERT; when the row was
 * written and the backend keeps a memory copy until then (the documented fix), a second step evicts that copy.
 * A write that fails (SQLITE_FULL: the disk is full) is logged and the loop goes on; the memory copy stays.
 */
import { setup } from 'xstate';

export interface BackgroundWriterInput {
  /** After a successful INSERT, remove the result from the memory cache (fix 3 of the seed). */
  readonly evictAfterWrite: boolean;
}

export type BackgroundWriterEvent = { readonly type: 'WROTE' } | { readonly type: 'WRITE_FAILED' } | { readonly type: 'EVICTED' };

export const backgroundWriterMachine = setup({
  types: {
    context: {} as BackgroundWriterInput,
    events: {} as BackgroundWriterEvent,
    input: {} as BackgroundWriterInput,
  },
  guards: {
    evictsAfterWrite: ({ context }) => context.evictAfterWrite,
  },
}).createMachine({
  id: 'backgroundWriter',
  context: ({ input }) => ({ ...input }),
  initial: 'dequeueing',
  states: {
    dequeueing: {
      on: {
        WROTE: [{ guard: 'evictsAfterWrite', target: 'evicting' }, { target: 'dequeueing', reenter: true }],
        WRITE_FAILED: { target: 'dequeueing', reenter: true },
      },
    },
    evicting: { on: { EVICTED: 'dequeueing' } },
  },
});

export type BackgroundWriterState = 'dequeueing' | 'evicting';
