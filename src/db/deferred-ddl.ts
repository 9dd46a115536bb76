import { availableParallelism } from 'node:os';
import type pg from 'pg';

/**
 * Bulk loads into empty tables go much faster without secondary indexes and foreign keys (no
 * per-row index maintenance or RI trigger): the pg_restore order. Their definitions are kept in
 * a side table, committed together with the drops, and each one is deleted from it in the
 * transaction that restores it, so a crashed load is repaired by the next `restoreDeferred`.
 * Constraint-backing indexes (primary keys, the unique keys foreign keys point at) stay.
 */

const SIDE_TABLE = 'seed_deferred_ddl';

/** Index builds side by side: CPU-bound, so about one per core. */
const BUILDERS = Math.max(2, Math.min(4, availableParallelism()));

type Deferred = { position: number; kind: 'index' | 'foreign key'; statement: string };

/** Drops secondary indexes and foreign keys of `tables`; returns how many were deferred. */
export async function deferIndexesAndForeignKeys(
  pool: pg.Pool,
  tables: readonly string[],
): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`create table if not exists ${SIDE_TABLE} (
      position serial primary key, kind text not null, statement text not null, drop_statement text not null)`);
    const { rowCount } = await client.query(
      `insert into ${SIDE_TABLE} (kind, statement, drop_statement)
       select 'index', pg_get_indexdef(i.indexrelid),
              format('drop index %s', i.indexrelid::regclass)
         from pg_index i
        where i.indrelid = any($1::text[]::regclass[])
          and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
       union all
       select 'foreign key',
              format('alter table %s add constraint %I %s', c.conrelid::regclass, c.conname,
                     pg_get_constraintdef(c.oid)),
              format('alter table %s drop constraint %I', c.conrelid::regclass, c.conname)
         from pg_constraint c
        where c.contype = 'f' and c.conrelid = any($1::text[]::regclass[])`,
      [tables],
    );
    const { rows } = await client.query<{ drop_statement: string }>(
      `select drop_statement from ${SIDE_TABLE} order by position`,
    );
    for (const row of rows) await client.query(row.drop_statement);
    await client.query('commit');
    return rowCount ?? 0;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Recreates whatever is still deferred: indexes on `parallel` connections (longest first, GIN
 * builds are single-threaded), then foreign keys one at a time (each validates in one pass).
 */
export async function restoreDeferred(pool: pg.Pool, parallel = BUILDERS): Promise<number> {
  const { rows: exists } = await pool.query<{ present: boolean }>(
    `select to_regclass($1) is not null as present`,
    [SIDE_TABLE],
  );
  if (!exists[0]?.present) return 0;
  const { rows } = await pool.query<Deferred>(
    `select position, kind, statement from ${SIDE_TABLE}
      order by kind = 'foreign key', statement ilike '% using gin %' desc, position`,
  );
  const indexes = rows.filter((r) => r.kind === 'index');
  const foreignKeys = rows.filter((r) => r.kind === 'foreign key');
  await Promise.all(
    Array.from({ length: Math.min(parallel, indexes.length) }, () => runQueue(pool, indexes)),
  );
  await runQueue(pool, foreignKeys);
  await pool.query(`drop table ${SIDE_TABLE}`);
  return rows.length;
}

/** Takes statements off the shared `queue` until it is empty, on one connection. */
async function runQueue(pool: pg.Pool, queue: Deferred[]): Promise<void> {
  const client = await pool.connect();
  try {
    for (let next = queue.shift(); next; next = queue.shift()) {
      await client.query('begin');
      // Room to sort in memory; parallelism comes from running builds side by side instead.
      await client.query(`set local maintenance_work_mem = '1GB'`);
      await client.query('set local max_parallel_maintenance_workers = 0');
      await client.query(next.statement);
      await client.query(`delete from ${SIDE_TABLE} where position = $1`, [next.position]);
      await client.query('commit');
    }
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
