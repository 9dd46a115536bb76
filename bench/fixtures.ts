import { sql } from 'kysely';
import type { DatabaseHandle } from '../src/db/connect.js';
import { type Fixtures, SEARCH_TERMS } from './operations.js';

/** 1000 live contacts spread over the table (a stable pseudo-random sample), and every label. */
export async function loadFixtures(
  database: DatabaseHandle,
  workspaceId: string,
): Promise<Fixtures> {
  const contacts = await sql<{ id: string }>`
    select id from contacts where workspace_id = ${workspaceId} and deleted_at is null
    order by md5(id::text) limit 1000`.execute(database.db);
  const labels = await database.db
    .selectFrom('labels')
    .select('id')
    .where('workspaceId', '=', workspaceId)
    .orderBy('id')
    .execute();
  return {
    workspaceId,
    contactIds: contacts.rows.map((r) => r.id),
    labelIds: labels.map((l) => l.id),
    terms: SEARCH_TERMS,
  };
}
