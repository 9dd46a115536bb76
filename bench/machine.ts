import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../src/db/connect.js';

export type Machine = {
  cpu: string;
  cores: number;
  node: string;
  postgres: string;
  /** 1-minute load average when the run started: other work on the machine skews figures. */
  load: number;
};

export async function describeMachine(database: DatabaseHandle): Promise<Machine> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown CPU';
  const { rows } = await sql<{
    version: string;
  }>`select current_setting('server_version') as version`.execute(database.db);
  return {
    cpu,
    cores: availableParallelism(),
    node: process.version,
    postgres: rows[0]?.version ?? 'unknown',
    load: loadavg()[0] ?? 0,
  };
}

export function machineLine(m: Machine): string {
  return (
    `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}, PostgreSQL ${m.postgres} ` +
    `(load average ${m.load.toFixed(2)} at start)`
  );
}
