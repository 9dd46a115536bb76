/** What one load run saw: every latency, over a measured time span. */
export type Measurement = { latenciesMs: number[]; seconds: number; failures: number };

export type Summary = {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
};

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarize(m: Measurement): Summary {
  const sorted = [...m.latenciesMs].sort((a, b) => a - b);
  return {
    requests: sorted.length,
    perSecond: sorted.length / m.seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    failures: m.failures,
  };
}
