import { sql } from 'kysely';
import { createApiKey } from '../db/api-keys.js';
import { bulkLoadWorkspace, type RowCounts, type SeedSpec } from '../db/bulk-load.js';
import { type ChunkPool, DEFAULT_WORKERS, startChunkPool } from '../db/chunk-source.js';
import type { DatabaseHandle } from '../db/connect.js';
import { deferIndexesAndForeignKeys, restoreDeferred } from '../db/deferred-ddl.js';
import { type GraphRows, insertGraph } from '../db/seed.js';
import { createWorkspace } from '../db/workspaces.js';
import { contactChunks, workspaceHeader, workspaceSize } from './chunks.js';

/** A large deterministic dataset: `contacts` split over `workspaces`, generated from `seed`. */
export type DatasetOptions = {
  workspaces: number;
  contacts: number;
  seed: number;
  /** Contacts generated and copied at a time. */
  chunkSize?: number;
  /** Worker threads generating rows (PostgreSQL only; default one per core, 0 for none). */
  workers?: number;
};

export type SeededWorkspace = {
  workspaceId: string;
  apiKey: string;
  counts: RowCounts;
  seconds: number;
};

const DEFAULT_CHUNK = 10_000;

/** Contacts of workspace `w`: an even split, the remainder going to the first ones. */
export function contactsOf(options: DatasetOptions, w: number): number {
  const base = Math.floor(options.contacts / options.workspaces);
  return base + (w < options.contacts % options.workspaces ? 1 : 0);
}

/** Tables a bulk load fills; their secondary indexes and foreign keys can wait for the end. */
const BULK_TABLES = ['contacts', 'contact_labels', 'conversations'];

export type SeedResult = {
  workspaces: SeededWorkspace[];
  loadSeconds: number;
  /** Rebuilding deferred indexes and foreign keys (0 when nothing was deferred). */
  indexSeconds: number;
};

/**
 * Creates the workspaces one after another (one transaction each) and returns each one's id and
 * a fresh admin key. PostgreSQL loads with COPY, into empty tables without their secondary
 * indexes and foreign keys (rebuilt at the end); PGlite with multi-row INSERTs (small sizes).
 */
export async function seedDataset(
  database: DatabaseHandle,
  options: DatasetOptions,
  onWorkspace: (seeded: SeededWorkspace, index: number) => void = () => undefined,
): Promise<SeedResult> {
  const postgres = database.kind === 'postgres';
  // A crashed earlier load may have left indexes out: put them back before anything else.
  if (postgres) await restoreDeferred(database.pool);
  if (postgres && (await contactsEmpty(database))) {
    await deferIndexesAndForeignKeys(database.pool, BULK_TABLES);
  }
  const started = performance.now();
  const workspaces: SeededWorkspace[] = [];
  const workers = options.workers ?? DEFAULT_WORKERS;
  const pool = postgres && workers > 0 ? startChunkPool(workers) : undefined;
  let loadSeconds = 0;
  try {
    for (let w = 0; w < options.workspaces; w++) {
      const seeded = await seedWorkspace(database, options, w, pool);
      workspaces.push(seeded);
      onWorkspace(seeded, w);
    }
  } finally {
    await pool?.close();
    loadSeconds = (performance.now() - started) / 1000;
    if (postgres) await restoreDeferred(database.pool);
  }
  const indexSeconds = (performance.now() - started) / 1000 - loadSeconds;
  return { workspaces, loadSeconds, indexSeconds };
}

async function seedWorkspace(
  database: DatabaseHandle,
  options: DatasetOptions,
  w: number,
  pool: ChunkPool | undefined,
): Promise<SeededWorkspace> {
  const spec: SeedSpec = {
    seed: options.seed,
    workspace: w,
    size: workspaceSize(contactsOf(options, w)),
    chunkSize: options.chunkSize ?? DEFAULT_CHUNK,
  };
  const started = performance.now();
  const name = `Seeded workspace ${w + 1} (seed ${options.seed})`;
  const { workspaceId, counts } =
    database.kind === 'postgres'
      ? await bulkLoadWorkspace(database.pool, name, spec, { pool })
      : await insertWorkspaceGraph(database, name, spec);
  const key = await createApiKey(database.db, workspaceId, ['read', 'write', 'admin'], 'seed');
  return { workspaceId, apiKey: key.key, counts, seconds: (performance.now() - started) / 1000 };
}

/** Across all workspaces: the bulk path's question, not a tenant's, hence raw SQL. */
async function contactsEmpty(database: DatabaseHandle): Promise<boolean> {
  const { rows } = await database.pool.query<{ present: boolean }>(
    'select exists (select 1 from contacts) as present',
  );
  return !rows[0]?.present;
}

/** Fresh planner statistics after a bulk load; without them the first plans are guesses. */
export async function analyzeTables(database: DatabaseHandle): Promise<void> {
  await sql`analyze organizations, labels, contacts, contact_labels, conversations`.execute(
    database.db,
  );
}

/** The PGlite path: the whole workspace in memory, then the demo loader's INSERTs. */
async function insertWorkspaceGraph(database: DatabaseHandle, name: string, spec: SeedSpec) {
  const graph: GraphRows = {
    ...workspaceHeader(spec.seed, spec.workspace, spec.size),
    contacts: [],
    conversations: [],
  };
  for (const chunk of contactChunks(spec.seed, spec.workspace, spec.size, spec.chunkSize)) {
    graph.contacts.push(...chunk.contacts);
    graph.conversations.push(...chunk.conversations);
  }
  const workspaceId = await database.db.transaction().execute(async (tx) => {
    const workspace = await createWorkspace(tx, name);
    await sql`update workspaces set settings = ${JSON.stringify({ seeded: spec })}::jsonb
      where id = ${workspace.id}`.execute(tx);
    await insertGraph(tx, workspace.id, graph);
    return workspace.id;
  });
  const counts: RowCounts = {
    organizations: graph.organizations.length,
    labels: graph.labels.length,
    contacts: graph.contacts.length,
    contactLabels: graph.contacts.reduce((n, c) => n + c.labels.length, 0),
    conversations: graph.conversations.length,
  };
  return { workspaceId, counts };
}
