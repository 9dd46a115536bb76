import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { CamelCasePlugin, Kysely, type LogEvent, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import type { Database } from './schema.js';

export type DatabaseHandle = {
  db: Kysely<Database>;
  kind: DatabaseConfig['kind'];
  /** The raw pool, for what Kysely does not do (COPY, LISTEN). */
  pool: pg.Pool;
  /** The embedded database, when there is one. */
  pglite?: PGlite;
  close(): Promise<void>;
};

export type OpenOptions = {
  /** Called for every statement Kysely runs; tests count them, nothing else needs them. */
  onQuery?: (event: LogEvent) => void;
};

// int8 (ids, counts) stays a string: exact, and JSON-safe for global IDs.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

/** `DATABASE_URL` → a pg Pool on that server; otherwise PGlite in `DATA_DIR` (`memory://` works). */
export async function openDatabase(
  config: DatabaseConfig,
  options: OpenOptions = {},
): Promise<DatabaseHandle> {
  let pool: pg.Pool;
  let pglite: PGlite | undefined;
  if (config.kind === 'postgres') {
    pool = new pg.Pool({
      connectionString: config.url,
      max: config.poolSize,
      // A non-default schema isolates co-tenants (and test files) on one database.
      options: config.schema === 'public' ? undefined : `-c search_path=${config.schema},public`,
    });
  } else {
    const dataDir = config.dataDir.startsWith('memory://')
      ? config.dataDir
      : resolve(config.dataDir);
    // PGlite's own mkdir is not recursive.
    if (!dataDir.startsWith('memory://')) await mkdir(dirname(dataDir), { recursive: true });
    pglite = await PGlite.create({ dataDir, extensions: { pg_trgm, btree_gin } });
    pool = new pg.Pool(createPgConfig(pglite));
  }
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    // JSON columns hold callers' own keys (`plan_tier`): only column names are converted.
    plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })],
    log: options.onQuery,
  });
  return {
    db,
    kind: config.kind,
    pool,
    pglite,
    async close() {
      await db.destroy();
      await pglite?.close();
    },
  };
}
