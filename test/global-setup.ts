import pg from 'pg';

/**
 * On PostgreSQL, test files each get a schema of their own; extensions are database-wide, so
 * they are created once here rather than raced by parallel migrations.
 */
export async function setup() {
  const url = process.env.DATABASE_URL;
  if (!url) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('create extension if not exists pg_trgm');
    await client.query('create extension if not exists btree_gin');
  } finally {
    await client.end();
  }
}
