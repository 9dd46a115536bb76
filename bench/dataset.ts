import { sql } from 'kysely';
import { createApiKey } from '../src/db/api-keys.js';
import { type DatabaseHandle, openDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { seedDataset } from '../src/demo/dataset.js';
import type { BenchOptions } from './options.js';

export type BenchDataset = {
  workspaceId: string;
  /** A fresh read-only key for this run. */
  apiKey: string;
  /** Seconds spent seeding, or null when the existing dataset was reused. */
  seedSeconds: number | null;
};

type SeededSettings = { seed: number; size: { contacts: number } };

export function openBenchDatabase(options: BenchOptions, poolSize = options.connections) {
  return openDatabase(
    { kind: 'postgres', url: options.databaseUrl, schema: options.schema, poolSize },
    {},
  );
}

/** The bench schema's single workspace when it is exactly the requested dataset. */
async function reusableWorkspace(database: DatabaseHandle, options: BenchOptions) {
  const { rows } = await sql<{ ready: boolean }>`
    select to_regclass(${`${options.schema}.workspaces`}) is not null
       and to_regclass(${`${options.schema}.seed_deferred_ddl`}) is null as ready`.execute(
    database.db,
  );
  if (!rows[0]?.ready) return undefined;
  const workspaces = await database.db
    .selectFrom('workspaces')
    .select(['id', 'settings'])
    .execute();
  const only = workspaces.length === 1 ? workspaces[0] : undefined;
  const seeded = (only?.settings as { seeded?: SeededSettings } | undefined)?.seeded;
  if (!only || seeded?.seed !== options.seed || seeded.size.contacts !== options.contacts) {
    return undefined;
  }
  const { count } = await database.db
    .selectFrom('contacts')
    .select(sql<string>`count(*)`.as('count'))
    .executeTakeFirstOrThrow();
  return Number(count) === options.contacts ? only.id : undefined;
}

/** Reuses the bench schema when it holds the requested dataset, else seeds it from scratch. */
export async function ensureDataset(
  options: BenchOptions,
  log: (line: string) => void,
): Promise<BenchDataset> {
  const database = await openBenchDatabase(options, 4);
  try {
    let workspaceId = options.reseed ? undefined : await reusableWorkspace(database, options);
    let seedSeconds: number | null = null;
    if (!workspaceId) {
      log(`Seeding ${options.contacts} contacts into schema "${options.schema}"…`);
      const started = performance.now();
      workspaceId = await seedFresh(database, options);
      seedSeconds = (performance.now() - started) / 1000;
      log(`Seeded in ${seedSeconds.toFixed(1)} s.`);
    }
    const key = await createApiKey(database.db, workspaceId, ['read'], 'bench');
    return { workspaceId, apiKey: key.key, seedSeconds };
  } finally {
    await database.close();
  }
}

async function seedFresh(database: DatabaseHandle, options: BenchOptions): Promise<string> {
  await sql`drop schema if exists ${sql.id(options.schema)} cascade`.execute(database.db);
  await sql`create schema ${sql.id(options.schema)}`.execute(database.db);
  await migrateToLatest(database.db, options.schema);
  const { workspaces } = await seedDataset(database, {
    workspaces: 1,
    contacts: options.contacts,
    seed: options.seed,
  });
  // Statistics for the planner, and a visibility map so index-only scans skip the heap.
  await sql`vacuum (analyze) organizations, labels, contacts, contact_labels, conversations`.execute(
    database.db,
  );
  return (workspaces[0] as { workspaceId: string }).workspaceId;
}
