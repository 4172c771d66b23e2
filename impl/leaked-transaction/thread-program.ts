/**
 * The programs of the leaked-transaction scenario's two threads, as data: the same calls, in the same order,
 * as the model's (spec/leaked-transaction/thread-program.ts, declared again here: impl/ never imports spec/;
 * test/leaked-transaction.test.ts checks that the two agree).
 */
export type Call =
  | { readonly kind: 'record' }
  | { readonly kind: 'update-pattern'; readonly failsAfterUpsert: boolean }
  | { readonly kind: 'report' }
  | { readonly kind: 'work'; readonly ms: number }
  | { readonly kind: 'long-transaction'; readonly ms: number };

export type CallKind = Call['kind'];

export type Holder = 'leaked-lock' | 'long-transaction';

export interface ProgramOptions {
  readonly holder: Holder;
  readonly holdMs: number;
  readonly workMs: number;
  readonly laterRecords: number;
  readonly report: 'after-record' | 'none';
}

/** thread-0: record, report (unless `report` is none), then `laterRecords` times work and record; thread-1: the holder of the write lock. */
export function threadPrograms(options: ProgramOptions): readonly (readonly Call[])[] {
  const later: Call[] = [];
  for (let i = 0; i < options.laterRecords; i++) later.push({ kind: 'work', ms: options.workMs }, { kind: 'record' });
  const underTest: Call[] = [{ kind: 'record' }, ...(options.report === 'after-record' ? [{ kind: 'report' } as const] : []), ...later];
  const holder: Call[] =
    options.holder === 'leaked-lock'
      ? [{ kind: 'update-pattern', failsAfterUpsert: true }, { kind: 'work', ms: options.holdMs }, { kind: 'record' }]
      : [{ kind: 'long-transaction', ms: options.holdMs }];
  return [underTest, holder];
}
