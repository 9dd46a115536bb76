import type pg from 'pg';
import type { Operation } from './operations.js';
import type { Measurement } from './stats.js';

/**
 * The raw side: `connections` loops issuing the operation's statement through one pg Pool
 * until `seconds` have passed, timing each with hrtime.
 */
export async function loadSql(
  pool: pg.Pool,
  operation: Operation,
  seconds: number,
  connections: number,
): Promise<Measurement> {
  const latenciesMs: number[] = [];
  let failures = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const begin = process.hrtime.bigint();
      try {
        await pool.query(operation.sql, operation.params());
        latenciesMs.push(Number(process.hrtime.bigint() - begin) / 1e6);
      } catch {
        failures += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  return { latenciesMs, seconds: (performance.now() - started) / 1000, failures };
}
