/**
 * What the singleton scenario lets a property see, on either engine: each task's state and the client its
 * getter returned, every client created (and by whom), and the client the shared slot holds.
 */
export type SingletonTaskStatus = 'running' | 'waiting' | 'done' | 'failed';

export interface SingletonTaskView {
  readonly name: string;
  readonly status: SingletonTaskStatus;
  /** The client the getter returned (when done). */
  readonly client: string | null;
  /** What the getter raised (when failed). */
  readonly error: string | null;
}

export interface SingletonObservation {
  readonly tasks: readonly SingletonTaskView[];
  /** Every client created, in creation order, with the task that created it. */
  readonly created: readonly { readonly client: string; readonly by: string }[];
  /** The client in the shared slot, or null. */
  readonly shared: string | null;
}

export const taskName = (index: number): string => `task-${index}`;
/** Clients are numbered from 1 in creation order. */
export const clientName = (id: number): string => `client-${id}`;
