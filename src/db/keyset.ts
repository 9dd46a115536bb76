import { type RawBuilder, sql } from 'kysely';
import { UserInputError } from '../errors.js';

/**
 * Keyset pagination over any sort order. Every order field becomes a list of NOT NULL SQL
 * expressions (a nullable column adds a "null group" flag, so nulls sort last in both
 * directions), then the row id breaks ties. Those exact expressions are indexed by the
 * migrations, so a page is an index range scan however deep it is.
 */

export type Direction = 'ASC' | 'DESC';

/** How one order field sorts; `nullable` fields get a null-group flag ahead of the value. */
export type SortField = {
  /** The column, qualified (`contacts.name`); used for the null-group flag. */
  column: string;
  /** The sort value, as indexed (`lower(contacts.name) collate "C"`). */
  key: string;
  /** SQL type to cast cursor values back to. */
  type: 'text' | 'timestamptz';
  /** Present for nullable columns: the value that stands in for null inside the null group. */
  nullSentinel?: string;
};

export type SortSpec = { field: string; direction: Direction };

type KeyPart = {
  expression: string;
  direction: Direction;
  type: 'text' | 'timestamptz' | 'boolean';
};

export type Keyset = {
  /** Identifies the order a cursor was made for, so a cursor is not reused with another. */
  signature: string;
  parts: KeyPart[];
};

export type PageArgs = {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
};

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function buildKeyset(
  fields: Record<string, SortField>,
  order: readonly SortSpec[],
  idColumn: string,
): Keyset {
  const parts: KeyPart[] = [];
  for (const spec of order) {
    const field = fields[spec.field];
    if (!field) throw new UserInputError('orderBy', `cannot order by ${spec.field}`);
    if (field.nullSentinel !== undefined) {
      // ASC: (col is null) puts values first; DESC reads (col is not null) backwards: values first too.
      const flag =
        spec.direction === 'ASC' ? `(${field.column} is null)` : `(${field.column} is not null)`;
      parts.push({ expression: flag, direction: spec.direction, type: 'boolean' });
      parts.push({
        expression: `coalesce(${field.key}, ${field.nullSentinel})`,
        direction: spec.direction,
        type: field.type,
      });
    } else {
      parts.push({ expression: field.key, direction: spec.direction, type: field.type });
    }
  }
  const last = order.at(-1)?.direction ?? 'ASC';
  parts.push({ expression: idColumn, direction: last, type: 'text' });
  const signature = order.map((o) => `${o.field}:${o.direction}`).join(',');
  return { signature, parts };
}

/** `select` items carrying each row's key values, read back to build its cursor. */
export function cursorColumns(keyset: Keyset): RawBuilder<unknown>[] {
  return keyset.parts.map((p) =>
    p.type === 'timestamptz'
      ? // ISO 8601 text reads back exactly with a cast.
        sql.raw(`to_json(${p.expression}) #>> '{}'`)
      : sql.raw(`(${p.expression})`),
  );
}

export function orderByClause(keyset: Keyset, backward: boolean): RawBuilder<unknown> {
  const items = keyset.parts.map((p) => {
    const dir = (p.direction === 'ASC') !== backward ? 'asc' : 'desc';
    return `${p.expression} ${dir}`;
  });
  return sql.raw(items.join(', '));
}

type CursorRow = Record<string, unknown>;

export function encodeCursor(keyset: Keyset, row: CursorRow): string {
  const values = keyset.parts.map((_, i) => row[`cursorKey${i}`]);
  return Buffer.from(JSON.stringify([keyset.signature, ...values])).toString('base64url');
}

/** Decodes and checks a cursor against the order it must belong to. */
export function decodeCursor(keyset: Keyset, cursor: string, argument: string): unknown[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new UserInputError(argument, 'is not a valid cursor');
  }
  if (!Array.isArray(decoded) || decoded.length !== keyset.parts.length + 1) {
    throw new UserInputError(argument, 'is not a valid cursor');
  }
  const [signature, ...values] = decoded as unknown[];
  if (signature !== keyset.signature) {
    throw new UserInputError(argument, 'was made for a different orderBy');
  }
  keyset.parts.forEach((part, i) => {
    const v = values[i];
    const ok =
      part.type === 'boolean'
        ? typeof v === 'boolean'
        : part.type === 'timestamptz'
          ? typeof v === 'string' && (/^-?infinity$/.test(v) || !Number.isNaN(Date.parse(v)))
          : typeof v === 'string' && (i < keyset.parts.length - 1 || /^[0-9]{1,19}$/.test(v));
    if (!ok) throw new UserInputError(argument, 'is not a valid cursor');
  });
  return values;
}

/**
 * Rows strictly after (`after`) or before (`before`) the cursor in the keyset's order.
 * One row comparison when every part runs the same way (an index range scan), else the
 * lexicographic OR chain.
 */
export function cursorCondition(
  keyset: Keyset,
  values: unknown[],
  side: 'after' | 'before',
): RawBuilder<boolean> {
  const param = (i: number) => {
    const part = keyset.parts[i] as KeyPart;
    const cast = part.type === 'text' && i === keyset.parts.length - 1 ? 'bigint' : part.type;
    return sql`cast(${values[i]} as ${sql.raw(cast)})`;
  };
  const op = (direction: Direction) => {
    const ascending = direction === 'ASC';
    return sql.raw(ascending === (side === 'after') ? '>' : '<');
  };
  const uniform = keyset.parts.every((p) => p.direction === keyset.parts[0]?.direction);
  if (uniform) {
    const left = sql.join(keyset.parts.map((p) => sql.raw(p.expression)));
    const right = sql.join(keyset.parts.map((_, i) => param(i)));
    return sql<boolean>`(${left}) ${op(keyset.parts[0]?.direction ?? 'ASC')} (${right})`;
  }
  const disjuncts = keyset.parts.map((part, i) => {
    const equalities = keyset.parts
      .slice(0, i)
      .map((p, j) => sql`${sql.raw(p.expression)} = ${param(j)}`);
    const strict = sql`${sql.raw(part.expression)} ${op(part.direction)} ${param(i)}`;
    return sql`(${sql.join([...equalities, strict], sql` and `)})`;
  });
  return sql<boolean>`(${sql.join(disjuncts, sql` or `)})`;
}

export type PagePlan = {
  limit: number;
  backward: boolean;
  conditions: RawBuilder<boolean>[];
};

/** Turns first/after/last/before into a limit, a direction and cursor conditions. */
export function planPage(keyset: Keyset, args: PageArgs): PagePlan {
  const { first, last, after, before } = args;
  if (first != null && last != null) {
    throw new UserInputError('first', 'cannot be combined with last');
  }
  for (const [name, value] of [
    ['first', first],
    ['last', last],
  ] as const) {
    if (value != null && (value < 0 || value > MAX_PAGE_SIZE)) {
      throw new UserInputError(name, `must be between 0 and ${MAX_PAGE_SIZE}`);
    }
  }
  const conditions: RawBuilder<boolean>[] = [];
  if (after != null) {
    conditions.push(cursorCondition(keyset, decodeCursor(keyset, after, 'after'), 'after'));
  }
  if (before != null) {
    conditions.push(cursorCondition(keyset, decodeCursor(keyset, before, 'before'), 'before'));
  }
  const backward = last != null;
  return { limit: (backward ? last : first) ?? DEFAULT_PAGE_SIZE, backward, conditions };
}

export type Page<Row> = {
  edges: { cursor: string; node: Row }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
};

/** Shapes `limit + 1` fetched rows into a Relay page (rows come in query order). */
export function toPage<Row extends CursorRow>(
  keyset: Keyset,
  plan: PagePlan,
  args: PageArgs,
  fetched: Row[],
): Page<Row> {
  const hasMore = fetched.length > plan.limit;
  const rows = fetched.slice(0, plan.limit);
  if (plan.backward) rows.reverse();
  const edges = rows.map((node) => ({ cursor: encodeCursor(keyset, node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: plan.backward ? args.before != null : hasMore,
      hasPreviousPage: plan.backward ? hasMore : args.after != null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
