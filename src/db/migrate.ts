import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as initial from './migrations/2026-11-25T00-00_initial.js';
import * as messages from './migrations/2026-11-25T01-00_messages.js';
import * as events from './migrations/2026-11-25T02-00_events.js';
import * as attributes from './migrations/2026-11-26T00-00_attributes.js';
import * as segmentEvents from './migrations/2026-11-26T01-00_segment-events.js';
import type { Database } from './schema.js';

/** Migrations in code (no directory scan), so they run the same under tsx, bundles and tests. */
const migrations: Record<string, Migration> = {
  '2026-11-25T00-00_initial': initial,
  '2026-11-25T01-00_messages': messages,
  '2026-11-25T02-00_events': events,
  '2026-11-26T00-00_attributes': attributes,
  '2026-11-26T01-00_segment-events': segmentEvents,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the database to the latest schema; a no-op when it is already there. */
export async function migrateToLatest(db: Kysely<Database>, schema = 'public'): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    // Kysely looks for its tables in every schema unless told which one is ours.
    migrationTableSchema: schema,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`Database migration failed${name}`, { cause: error });
  }
}
