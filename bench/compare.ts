import type { DatabaseHandle } from '../src/db/connect.js';
import type { BenchDataset } from './dataset.js';
import { loadHttp } from './http-load.js';
import type { Operation } from './operations.js';
import type { BenchOptions } from './options.js';
import type { Row } from './report.js';
import { startServerProcess } from './server-process.js';
import { loadSql } from './sql-load.js';
import { type Measurement, summarize } from './stats.js';

/**
 * The read suites' measuring: each operation through GraphQL (a server child process on the
 * options' schema) and as raw SQL, and the line that says what was measured.
 */

/** Per operation, GraphQL then raw SQL back to back, so drifting machine load hits both. */
export async function runAll(
  options: BenchOptions,
  dataset: BenchDataset,
  database: DatabaseHandle,
  ops: Operation[],
  statements: Map<string, number>,
  log: (line: string) => void,
): Promise<Row[]> {
  const server = await startServerProcess({
    DATABASE_URL: options.databaseUrl,
    DATABASE_SCHEMA: options.schema,
    DATABASE_POOL_SIZE: String(Math.min(200, options.connections)),
  });
  const { connections } = options;
  const rows: Row[] = [];
  try {
    for (const op of ops) {
      log(`${op.title}: GraphQL…`);
      const graphql = await measure(options, (s) =>
        loadHttp(server.url, dataset.apiKey, op, s, connections),
      );
      log(`${op.title}: raw SQL…`);
      const raw = await measure(options, (s) => loadSql(database.pool, op, s, connections));
      rows.push({
        name: op.name,
        title: op.title,
        graphql,
        raw,
        statements: statements.get(op.name) ?? 0,
      });
    }
  } finally {
    await server.stop();
  }
  return rows;
}

/** A warm-up run (discarded), then the measured one. */
export async function measure(
  options: BenchOptions,
  run: (seconds: number) => Promise<Measurement>,
) {
  if (options.warmup > 0) await run(options.warmup);
  return summarize(await run(options.duration));
}

export function settingsLine(label: string, options: BenchOptions, dataset: BenchDataset): string {
  const origin =
    dataset.seedSeconds === null ? 'reused' : `seeded in ${dataset.seedSeconds.toFixed(1)} s`;
  return (
    `${label}: ${options.contacts} contacts (seed ${options.seed}, schema "${options.schema}", ` +
    `${origin}); ${options.connections} connections, ${options.warmup} s warm-up + ` +
    `${options.duration} s measured per run`
  );
}
