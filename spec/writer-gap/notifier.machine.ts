/**
 * The notification thread of the seed's redesign (seed 000): every 100 ms it reads the status of each operation
 * that has registered callbacks, and fires (then drops) the callbacks of those that read completed. One step is
 * one poll: the sleep before it and the SELECT status. The thread never ends on its own; the scenario says when
 * it has finished (nobody is left to wake).
 *
 * Its context is the time of its next poll: a poll happens at its wake-up time or later, and the next one is a
 * poll interval after it.
 */
import { assign, setup } from 'xstate';

export interface NotifierInput {
  /** The sleep between two polls, in virtual milliseconds (the seed's 100 ms). */
  readonly pollMs: number;
}

export interface NotifierContext extends NotifierInput {
  /** The earliest virtual time of the next poll. */
  readonly nextPoll: number;
}

/** A poll at virtual time `at` that read completed and fired the callbacks. */
export type NotifierEvent = { readonly type: 'FIRED'; readonly at: number };

export const notifierMachine = setup({
  types: {
    context: {} as NotifierContext,
    events: {} as NotifierEvent,
    input: {} as NotifierInput,
  },
  actions: {
    scheduleNextPoll: assign({ nextPoll: ({ context, event }) => event.at + context.pollMs }),
  },
}).createMachine({
  id: 'notifier',
  context: ({ input }) => ({ ...input, nextPoll: input.pollMs }),
  initial: 'polling',
  states: {
    polling: { on: { FIRED: { target: 'polling', reenter: true, actions: 'scheduleNextPoll' } } },
  },
});

export type NotifierState = 'polling';
