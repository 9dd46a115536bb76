import type { Machine } from './machine.js';
import { machineLine } from './machine.js';
import type { OperationName } from './operations.js';
import type { Summary } from './stats.js';

export type Row = {
  name: OperationName;
  title: string;
  graphql: Summary;
  raw: Summary;
  statements: number;
};

/** The targets: GraphQL throughput as a share of the raw statement's. */
export const TARGETS: Partial<Record<OperationName, number>> = { list: 0.4, search: 0.85 };

export const ratio = (row: Row) => row.graphql.perSecond / row.raw.perSecond;

const num = (n: number, width: number, digits = 0) => n.toFixed(digits).padStart(width);

function targetCell(row: Row): string {
  const target = TARGETS[row.name];
  if (target === undefined) return 'fastest possible';
  return `≥ ${target.toFixed(2)} ${ratio(row) >= target ? 'met' : 'MISSED'}`;
}

export function renderTable(rows: readonly Row[], machine: Machine, settings: string): string {
  const header =
    'operation          |  GraphQL req/s  p50 ms  p99 ms |  raw SQL req/s  p50 ms  p99 ms ' +
    '| GraphQL/raw | SQL/request | target';
  const lines = rows.map(
    (r) =>
      `${r.title.padEnd(18)} | ${num(r.graphql.perSecond, 14)} ${num(r.graphql.p50, 7, 2)} ` +
      `${num(r.graphql.p99, 7, 2)} | ${num(r.raw.perSecond, 14)} ${num(r.raw.p50, 7, 2)} ` +
      `${num(r.raw.p99, 7, 2)} | ${num(ratio(r), 11, 2)} | ${num(r.statements, 11, 1)} | ${targetCell(r)}`,
  );
  const failures = rows.filter((r) => r.graphql.failures || r.raw.failures);
  const notes = failures.map(
    (r) => `! ${r.title}: ${r.graphql.failures} GraphQL and ${r.raw.failures} SQL failures`,
  );
  return [
    machineLine(machine),
    settings,
    '',
    header,
    '-'.repeat(header.length),
    ...lines,
    ...notes,
  ].join('\n');
}
