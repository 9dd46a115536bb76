import { type RawBuilder, sql } from 'kysely';
import { escapeLike } from './like.js';

/**
 * Filter inputs as the storage layer sees them (GraphQL-free). `null` and absent mean the same:
 * no condition. Several operators in one filter must all hold.
 */
export type StringFilter = {
  eq?: string | null;
  neq?: string | null;
  in?: readonly string[] | null;
  contains?: string | null;
  startsWith?: string | null;
  isNull?: boolean | null;
};

export type DateTimeFilter = {
  eq?: Date | null;
  gt?: Date | null;
  gte?: Date | null;
  lt?: Date | null;
  lte?: Date | null;
  isNull?: boolean | null;
};

/** Local (database) ids, already decoded from global IDs. */
export type IdFilter = {
  eq?: string | null;
  in?: readonly string[] | null;
  isNull?: boolean | null;
};

export type Condition = RawBuilder<boolean>;

export const TRUE: Condition = sql<boolean>`true`;
export const FALSE: Condition = sql<boolean>`false`;

export function and(conditions: Condition[]): Condition {
  if (conditions.length === 0) return TRUE;
  if (conditions.length === 1) return conditions[0] as Condition;
  return sql<boolean>`(${sql.join(conditions, sql` and `)})`;
}

export function or(conditions: Condition[]): Condition {
  if (conditions.length === 0) return FALSE;
  if (conditions.length === 1) return conditions[0] as Condition;
  return sql<boolean>`(${sql.join(conditions, sql` or `)})`;
}

type StringColumn = {
  /** The column (`contacts.email`). */
  column: string;
  /** Compare case-insensitively (`eq`, `neq`, `in`); substring operators always ignore case. */
  caseInsensitive: boolean;
};

/**
 * Every condition is true or false, never null, so `not` is an exact complement:
 * `neq` and `not: { eq }` both include rows where the column is null.
 */
export function stringCondition(
  { column, caseInsensitive }: StringColumn,
  f: StringFilter,
): Condition {
  const col = sql.raw(column);
  const value = caseInsensitive ? sql`lower(${col})` : col;
  const norm = (v: string) => (caseInsensitive ? v.toLowerCase() : v);
  const out: Condition[] = [];
  if (f.eq != null) out.push(sql`(${col} is not null and ${value} = ${norm(f.eq)})`);
  if (f.neq != null) out.push(sql`(${col} is null or ${value} <> ${norm(f.neq)})`);
  if (f.in != null) {
    out.push(
      f.in.length === 0
        ? FALSE
        : sql`(${col} is not null and ${value} = any(${f.in.map(norm)}::text[]))`,
    );
  }
  if (f.contains != null) {
    out.push(
      sql`(${col} is not null and lower(${col}) like ${`%${escapeLike(f.contains.toLowerCase())}%`})`,
    );
  }
  if (f.startsWith != null) {
    out.push(
      sql`(${col} is not null and lower(${col}) like ${`${escapeLike(f.startsWith.toLowerCase())}%`})`,
    );
  }
  if (f.isNull != null) out.push(f.isNull ? sql`(${col} is null)` : sql`(${col} is not null)`);
  return and(out);
}

export function dateTimeCondition(column: string, f: DateTimeFilter): Condition {
  const col = sql.raw(column);
  const out: Condition[] = [];
  const compare = (op: string, v: Date) =>
    sql<boolean>`(${col} is not null and ${col} ${sql.raw(op)} ${v.toISOString()}::timestamptz)`;
  if (f.eq != null) out.push(compare('=', f.eq));
  if (f.gt != null) out.push(compare('>', f.gt));
  if (f.gte != null) out.push(compare('>=', f.gte));
  if (f.lt != null) out.push(compare('<', f.lt));
  if (f.lte != null) out.push(compare('<=', f.lte));
  if (f.isNull != null) out.push(f.isNull ? sql`(${col} is null)` : sql`(${col} is not null)`);
  return and(out);
}

export function idCondition(column: string, f: IdFilter): Condition {
  const col = sql.raw(column);
  const out: Condition[] = [];
  if (f.eq != null) out.push(sql`(${col} is not null and ${col} = ${f.eq}::bigint)`);
  if (f.in != null) {
    out.push(
      f.in.length === 0 ? FALSE : sql`(${col} is not null and ${col} = any(${f.in}::bigint[]))`,
    );
  }
  if (f.isNull != null) out.push(f.isNull ? sql`(${col} is null)` : sql`(${col} is not null)`);
  return and(out);
}
