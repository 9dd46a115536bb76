import { type Kysely, sql } from 'kysely';
import { attributeIndexes } from './attribute-indexes.js';
import type { Database } from './schema.js';

/**
 * Brings every attribute index of the database in line with the definitions, at startup:
 * builds what a crash between a definition's commit and its index build left missing, rebuilds
 * invalid (half-built) ones, and drops those whose definition is gone (its workspace deleted).
 * Maintenance across workspaces, hence unscoped; it reads definitions only.
 */
export async function reconcileAttributeIndexes(
  db: Kysely<Database>,
): Promise<{ created: string[]; dropped: string[] }> {
  const definitions = await db.selectFrom('attributeDefinitions').selectAll().execute();
  const wanted = new Map(
    definitions.flatMap((d) => attributeIndexes(d)).map((index) => [index.name, index]),
  );
  const { rows } = await sql<{ name: string; valid: boolean }>`
    select c.relname as name, i.indisvalid as valid
    from pg_index i
      join pg_class c on c.oid = i.indexrelid
      join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relname like 'contacts\\_attr\\_%'`.execute(db);
  const dropped: string[] = [];
  const present = new Set<string>();
  for (const existing of rows) {
    if (existing.valid && wanted.has(existing.name)) {
      present.add(existing.name);
      continue;
    }
    await sql.raw(`drop index concurrently if exists ${existing.name}`).execute(db);
    dropped.push(existing.name);
  }
  const created: string[] = [];
  for (const [name, index] of wanted) {
    if (present.has(name)) continue;
    await sql.raw(`create index concurrently if not exists ${index.definition}`).execute(db);
    created.push(name);
  }
  return { created, dropped };
}
