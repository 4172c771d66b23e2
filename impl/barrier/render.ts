/** Text rendering of a barrier result: a header, one line per run, a summary line. */
import type { BarrierRange, BarrierResult, BarrierRun, BarrierWorkerResult } from './barrier.js';

export function formatMs(ms: number): string {
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(3)} ms`;
}

function formatRange(range: BarrierRange): string {
  return `${formatMs(range.min)} .. ${formatMs(range.max)}, median ${formatMs(range.median)}`;
}

function describeWorker(worker: BarrierWorkerResult): string {
  if (worker.failedAt === null) {
    return `${worker.worker} found ${worker.ticket} held by ${worker.heldBy ?? '?'} (${formatMs(worker.elapsedMs)})`;
  }
  const statement = worker.statementMs === null ? '' : `, the ${worker.failedAt.toUpperCase()} took ${formatMs(worker.statementMs)}`;
  return (
    `${worker.worker} ${worker.code ?? 'ERROR'} on ${worker.failedAt.toUpperCase()} ${worker.timing ?? ''} ` +
    `(${formatMs(worker.elapsedMs)} after release${statement})`
  );
}

export function renderBarrierRun(run: BarrierRun, workers: number): string {
  const failed = run.workers.filter((w) => !w.acquired);
  const winners = run.workers.filter((w) => w.acquired);
  const slowest = winners.reduce((max, w) => Math.max(max, w.elapsedMs), 0);
  const head = `run ${run.run}: ${run.acquired}/${workers} acquired`;
  const lastWin = winners.length > 0 ? ` (last commit ${formatMs(slowest)} after release)` : '';
  if (failed.length === 0) return `${head}${lastWin}`;
  return `${head}${lastWin}; ${failed.map(describeWorker).join(', ')}`;
}

export function renderBarrier(result: BarrierResult): string {
  const s = result.summary;
  const hold = result.holdAfterRead ? `hold after read up to ${result.holdMs} ms` : 'no hold after read';
  const lines = [
    `barrier: ${result.workers} workers, BEGIN ${result.mode === 'immediate' ? 'IMMEDIATE' : '(DEFERRED)'}, ` +
      `journal ${result.journal}, busy timeout ${result.busyTimeoutMs} ms, ${hold}, ${s.runs} runs`,
    ...result.runs.map((run) => renderBarrierRun(run, result.workers)),
  ];
  const histogram = Object.entries(s.acquiredHistogram)
    .map(([k, n]) => `${k}/${result.workers} in ${n}`)
    .join(', ');
  const kinds = Object.entries(s.failureKinds)
    .map(([kind, n]) => `${n} x ${kind}`)
    .join(', ');
  const threshold =
    result.busyTimeoutMs === 0
      ? 'busy timeout 0: nothing can wait'
      : `threshold ${formatMs(result.atOnceThresholdMs)}, half the busy timeout`;
  const failures =
    s.failures === 0
      ? 'no failures'
      : `${s.failures} failures (${kinds}): ${s.failuresAtOnce} at once, ${s.failuresAfterWaiting} after waiting ` +
        `(${threshold}); failing statement ${formatRange(s.failureStatementMs!)}; ` +
        `release to failure ${formatRange(s.failureElapsedMs!)}`;
  const winners = s.acquiredElapsedMs === null ? '' : `; release to commit ${formatRange(s.acquiredElapsedMs)}`;
  lines.push(
    `summary: all ${result.workers} acquired in ${s.runsAllAcquired}/${s.runs} runs; acquired per run median ` +
      `${s.medianAcquired} (${histogram}); every worker had read before the first write in ` +
      `${s.runsAllReadBeforeWrite}/${s.runs} runs; ${failures}${winners}`,
  );
  return lines.join('\n') + '\n';
}
