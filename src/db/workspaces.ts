import type { Kysely } from 'kysely';
import type { Database, UnknownAttributesPolicy, Workspace } from './schema.js';

/** Workspaces are the tenants themselves: these are the only unscoped queries besides keys. */
export function createWorkspace(db: Kysely<Database>, name: string): Promise<Workspace> {
  return db.insertInto('workspaces').values({ name }).returningAll().executeTakeFirstOrThrow();
}

export function findWorkspace(db: Kysely<Database>, id: string): Promise<Workspace | undefined> {
  return db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function hasWorkspaces(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('workspaces').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/** Changes the workspace's own settings; the id comes from the caller's key, never from input. */
export function updateWorkspace(
  db: Kysely<Database>,
  id: string,
  patch: {
    name?: string;
    defaultPhoneRegion?: string | null;
    unknownAttributes?: UnknownAttributesPolicy;
  },
): Promise<Workspace | undefined> {
  return db
    .updateTable('workspaces')
    .set({ ...patch, updatedAt: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
