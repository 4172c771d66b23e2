/**
 * What the lost-update scenario lets a property see, on either engine: each task, the host it penalizes,
 * whether it has written its update, and the failure count each host holds.
 */
export type PenaltyTaskStatus = 'running' | 'waiting' | 'done';

export interface PenaltyTaskView {
  readonly name: string;
  readonly host: string;
  readonly status: PenaltyTaskStatus;
  /** Whether the task has written its host's new failure count. */
  readonly wrote: boolean;
}

export interface LostUpdateObservation {
  readonly tasks: readonly PenaltyTaskView[];
  /** Failures counted per host (0 when the host has no entry yet). */
  readonly failures: Readonly<Record<string, number>>;
}

export const taskName = (index: number): string => `task-${index}`;
const HOST_NAMES = 'abcdefgh';
export const hostName = (index: number): string => `host-${HOST_NAMES[index] ?? String(index)}`;

/** The seed's circuit breaker: 30 s doubling per failure, capped at 900 s. */
export const penaltyFor = (failures: number): number => Math.min(30 * 2 ** (failures - 1), 900);
