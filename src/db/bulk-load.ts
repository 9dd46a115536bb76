import type pg from 'pg';
import { workspaceHeader } from '../demo/chunks.js';
import type { GraphSize, LabelSeed, OrganizationSeed } from '../demo/generate.js';
import { CONTACT_COLUMNS, CONVERSATION_COLUMNS, type FirstIds, LINK_COLUMNS } from './bulk-rows.js';
import { type ChunkPool, encodedChunks } from './chunk-source.js';
import { copyRows, copyText, reserveIds } from './copy.js';

/** Where a seeded workspace came from; kept in `workspaces.settings.seeded`, read by the bench. */
export type SeedSpec = { seed: number; workspace: number; size: GraphSize; chunkSize: number };

export type RowCounts = {
  organizations: number;
  labels: number;
  contacts: number;
  contactLabels: number;
  conversations: number;
};

export function totalRows(counts: RowCounts): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

export type BulkLoadOptions = {
  /** Worker threads generating rows; without, rows are generated on this thread. */
  pool?: ChunkPool;
};

/**
 * Loads one generated workspace with COPY, in one transaction on one connection: the workspace
 * row, its organizations and labels, then contacts chunk by chunk, each chunk followed by its
 * label links and conversations (one COPY at a time per connection, memory bounded by a chunk).
 */
export async function bulkLoadWorkspace(
  pool: pg.Pool,
  name: string,
  spec: SeedSpec,
  options: BulkLoadOptions = {},
): Promise<{ workspaceId: string; counts: RowCounts }> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    // A seed can be re-run from scratch: losing the last commits on a crash costs nothing.
    await client.query('set local synchronous_commit = off');
    // Generated data is not news: millions of CREATED events would double the load for nothing.
    await client.query("set local contactgraph.skip_events = 'on'");
    // Keeps other sessions from taking ids out of the ranges reserved below.
    await client.query('lock table organizations, labels, contacts in share row exclusive mode');
    const workspaceId = await insertWorkspace(client, name, spec);
    const counts = await loadGraph(client, workspaceId, spec, options.pool);
    await client.query('commit');
    return { workspaceId, counts };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function insertWorkspace(client: pg.PoolClient, name: string, spec: SeedSpec) {
  const { rows } = await client.query<{ id: string }>(
    'insert into workspaces (name, settings) values ($1, $2) returning id',
    [name, JSON.stringify({ seeded: spec })],
  );
  return rows[0]?.id as string;
}

async function loadGraph(
  client: pg.PoolClient,
  workspaceId: string,
  spec: SeedSpec,
  pool: ChunkPool | undefined,
): Promise<RowCounts> {
  const { organizations, labels } = workspaceHeader(spec.seed, spec.workspace, spec.size);
  const ids: FirstIds = {
    organization: await reserveIds(client, 'organizations', organizations.length),
    label: await reserveIds(client, 'labels', labels.length),
    contact: await reserveIds(client, 'contacts', spec.size.contacts),
  };
  await copyOrganizations(client, workspaceId, organizations, ids.organization);
  await copyLabels(client, workspaceId, labels, ids.label);
  const counts: RowCounts = {
    organizations: organizations.length,
    labels: labels.length,
    contacts: 0,
    contactLabels: 0,
    conversations: 0,
  };
  const chunks = encodedChunks({ spec, workspaceId, ids }, pool);
  for await (const chunk of chunks) {
    await copyText(client, 'contacts', CONTACT_COLUMNS, chunk.contacts);
    await copyText(client, 'contact_labels', LINK_COLUMNS, chunk.links);
    await copyText(client, 'conversations', CONVERSATION_COLUMNS, chunk.conversations);
    counts.contacts += chunk.counts.contacts;
    counts.contactLabels += chunk.counts.links;
    counts.conversations += chunk.counts.conversations;
  }
  return counts;
}

function copyOrganizations(
  client: pg.PoolClient,
  workspaceId: string,
  organizations: OrganizationSeed[],
  firstId: number,
) {
  return copyRows(
    client,
    'organizations',
    ['id', 'workspace_id', 'name', 'domain', 'custom_attributes'],
    organizations,
    (o, i) => [firstId + i, workspaceId, o.name, o.domain, o.customAttributes],
  );
}

function copyLabels(
  client: pg.PoolClient,
  workspaceId: string,
  labels: LabelSeed[],
  firstId: number,
) {
  return copyRows(
    client,
    'labels',
    ['id', 'workspace_id', 'name', 'color', 'description'],
    labels,
    (l, i) => [firstId + i, workspaceId, l.name, l.color, l.description],
  );
}
