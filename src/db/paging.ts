import { type Kysely, type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import {
  cursorColumns,
  type Keyset,
  orderByClause,
  type Page,
  type PageArgs,
  type PagePlan,
  planPage,
  toPage,
} from './keyset.js';
import type { Database } from './schema.js';

// The query builders below are already scoped and filtered; only their row type matters here.
// biome-ignore lint/suspicious/noExplicitAny: any table set; rows are typed by the caller.
type AnyQuery = SelectQueryBuilder<Database, any, any>;

/** A page plus its total, counted only when a client asks for `totalCount`. */
export type Connection<Row> = Page<Row> & { totalCount: () => Promise<number> };

/** One keyset page of `query` (scoped, filtered, selecting all columns of its table). */
export async function fetchPage<Row>(
  db: Kysely<Database>,
  query: AnyQuery,
  keyset: Keyset,
  args: PageArgs,
): Promise<Connection<Row>> {
  const plan = planPage(keyset, args);
  let q = query;
  for (const condition of plan.conditions) q = q.where(condition);
  q = q.orderBy(orderByClause(keyset, plan.backward)).limit(plan.limit + 1);
  const { rows } = await withCursors<Row & Record<string, unknown>>(q, keyset, plan).execute(db);
  const page = toPage(keyset, plan, args, rows);
  return { ...page, totalCount: once(() => countRows(query)) };
}

/**
 * The limited `page` with each row's cursor values, computed outside the LIMIT: inside it, a
 * sorted plan (search results, filters no index orders) would compute them for every matching
 * row before sorting (`to_json` on ~1000 rows cost more than the search itself). The subquery
 * takes the table's name, so the keyset's expressions (`contacts.created_at`) read its columns.
 */
function withCursors<Row>(page: AnyQuery, keyset: Keyset, plan: PagePlan): RawBuilder<Row> {
  const table = sql.id(tableOf(keyset));
  const cursors = sql.join(cursorColumns(keyset).map((c, i) => sqlAlias(c, i)));
  return sql<Row>`select ${table}.*, ${cursors} from (${page}) as ${table}
    order by ${orderByClause(keyset, plan.backward)}`;
}

/** The table a keyset orders: its last part is always the qualified id column (`contacts.id`). */
function tableOf(keyset: Keyset): string {
  const id = keyset.parts.at(-1)?.expression ?? '';
  const table = /^([a-z_]+)\.id$/.exec(id)?.[1];
  if (!table) throw new Error(`keyset does not end with a table's id column: ${id}`);
  return table;
}

async function countRows(query: AnyQuery): Promise<number> {
  const row = await query
    .clearSelect()
    .select(sql<string>`count(*)`.as('count'))
    .executeTakeFirstOrThrow();
  return Number((row as { count: string }).count);
}

/**
 * Pages for many parents in one statement: `innerFor(key)` builds the child query for a
 * parent key (an SQL reference), run once per key through a LATERAL join.
 */
export async function fetchPartitionedPages<Row>(
  db: Kysely<Database>,
  keys: readonly string[],
  innerFor: (key: RawBuilder<string>) => AnyQuery,
  keyset: Keyset,
  args: PageArgs,
): Promise<Map<string, Page<Row>>> {
  const plan = planPage(keyset, args);
  let inner = innerFor(sql<string>`p.partition_key`);
  for (const condition of plan.conditions) inner = inner.where(condition);
  inner = inner.orderBy(orderByClause(keyset, plan.backward)).limit(plan.limit + 1);
  const outerOrder = keyset.parts
    .map(
      (p, i) => `x.cursor_key_${i} ${(p.direction === 'ASC') !== plan.backward ? 'asc' : 'desc'}`,
    )
    .join(', ');
  const { rows } = await sql<Row & { partitionKey: string } & Record<string, unknown>>`
    select p.partition_key, x.*
    from unnest(${[...keys]}::bigint[]) with ordinality as p(partition_key, ord)
    cross join lateral (${withCursors(inner, keyset, plan)}) as x
    order by p.ord, ${sql.raw(outerOrder)}`.execute(db);
  const grouped = new Map<string, (Row & Record<string, unknown>)[]>();
  for (const row of rows) {
    const list = grouped.get(row.partitionKey) ?? [];
    list.push(row);
    grouped.set(row.partitionKey, list);
  }
  return new Map(keys.map((key) => [key, toPage(keyset, plan, args, grouped.get(key) ?? [])]));
}

/** Counts for many parents in one statement, through the same LATERAL shape. */
export async function countPartitioned(
  db: Kysely<Database>,
  keys: readonly string[],
  innerFor: (key: RawBuilder<string>) => AnyQuery,
): Promise<Map<string, number>> {
  const inner = innerFor(sql<string>`p.partition_key`)
    .clearSelect()
    .select(sql<string>`count(*)`.as('count'));
  const { rows } = await sql<{ partitionKey: string; count: string }>`
    select p.partition_key, x.count
    from unnest(${[...keys]}::bigint[]) as p(partition_key)
    cross join lateral (${inner}) as x`.execute(db);
  return new Map(rows.map((r) => [r.partitionKey, Number(r.count)]));
}

/**
 * Pages for many parents whose child queries differ in shape (each segment its own filter):
 * one statement, a UNION ALL of each parent's limited page.
 */
export async function fetchPagesPerQuery<Row>(
  db: Kysely<Database>,
  parts: readonly { key: string; query: AnyQuery }[],
  keyset: Keyset,
  args: PageArgs,
): Promise<Map<string, Page<Row>>> {
  const plan = planPage(keyset, args);
  const grouped = new Map<string, (Row & Record<string, unknown>)[]>();
  if (parts.length > 0) {
    const pages = parts.map(({ key, query }, ord) => {
      let q = query;
      for (const condition of plan.conditions) q = q.where(condition);
      q = q.orderBy(orderByClause(keyset, plan.backward)).limit(plan.limit + 1);
      return sql`(select ${key}::text as partition_key, ${ord}::int as partition_ord, x.*
        from (${withCursors(q, keyset, plan)}) as x)`;
    });
    const outerOrder = keyset.parts
      .map(
        (p, i) => `x.cursor_key_${i} ${(p.direction === 'ASC') !== plan.backward ? 'asc' : 'desc'}`,
      )
      .join(', ');
    const { rows } = await sql<Row & { partitionKey: string } & Record<string, unknown>>`
      select x.* from (${sql.join(pages, sql` union all `)}) as x
      order by x.partition_ord, ${sql.raw(outerOrder)}`.execute(db);
    for (const row of rows) {
      const list = grouped.get(row.partitionKey) ?? [];
      list.push(row);
      grouped.set(row.partitionKey, list);
    }
  }
  return new Map(parts.map(({ key }) => [key, toPage(keyset, plan, args, grouped.get(key) ?? [])]));
}

/** Counts for many parents whose queries differ in shape, in one statement. */
export async function countPerQuery(
  db: Kysely<Database>,
  parts: readonly { key: string; query: AnyQuery }[],
): Promise<Map<string, number>> {
  if (parts.length === 0) return new Map();
  const counts = parts.map(
    ({ key, query }) =>
      sql`select ${key}::text as key, (${query.clearSelect().select(sql<string>`count(*)`.as('count'))}) as count`,
  );
  const { rows } = await sql<{ key: string; count: string }>`${sql.join(
    counts,
    sql` union all `,
  )}`.execute(db);
  return new Map(rows.map((r) => [r.key, Number(r.count)]));
}

function sqlAlias(column: RawBuilder<unknown>, i: number) {
  return column.as(`cursor_key_${i}`);
}

export function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    result ??= fn();
    return result;
  };
}
