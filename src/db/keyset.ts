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
  type: KeyType;
  /** Present for nullable columns: the value that stands in for null inside the null group. */
  nullSentinel?: string;
};

export type SortSpec = { field: string; direction: Direction };

/** SQL types of sort values (a cursor's values are cast back to them). */
export type KeyType = 'text' | 'timestamptz' | 'boolean' | 'numeric';

type KeyPart = {
  expression: string;
  direction: Direction;
  type: KeyType;
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
  if (!Array.isArray(decoded) || typeof decoded[0] !== 'string') {
    throw new UserInputError(argument, 'is not a valid cursor');
  }
  // The signature first: a cursor of another order may also have another number of values.
  if (decoded[0] !== keyset.signature) {
    throw new UserInputError(argument, 'was made for a different orderBy');
  }
  const values = decoded.slice(1) as unknown[];
  if (values.length !== keyset.parts.length) {
    throw new UserInputError(argument, 'is not a valid cursor');
  }
  keyset.parts.forEach((part, i) => {
    const v = values[i];
    const ok =
      part.type === 'boolean'
        ? typeof v === 'boolean'
        : part.type === 'timestamptz'
          ? typeof v === 'string' && isTimestampText(v)
          : part.type === 'numeric'
            ? typeof v === 'string' && isNumericText(v)
            : i < keyset.parts.length - 1
              ? typeof v === 'string' && !v.includes('\u0000')
              : typeof v === 'string' && isBigintText(v);
    if (!ok) throw new UserInputError(argument, 'is not a valid cursor');
  });
  return values;
}

// Cursor values are cast in SQL, where a value the cast rejects would be a server error:
// these checks accept every value the database writes into a cursor and nothing it rejects.

const MAX_BIGINT = 9223372036854775807n;

function isBigintText(v: string): boolean {
  return /^[0-9]{1,19}$/.test(v) && BigInt(v) <= MAX_BIGINT;
}

/** numeric's text output (never an exponent); NaN and infinities are not stored values. */
function isNumericText(v: string): boolean {
  return v.length <= 2000 && /^-?[0-9]+(\.[0-9]+)?$/.test(v);
}

/** `to_json(timestamptz)` text: ISO 8601 with an offset, or ±infinity; a real calendar day. */
function isTimestampText(v: string): boolean {
  if (/^-?infinity$/.test(v)) return true;
  const m =
    /^(\d{4,6})-(\d\d)-(\d\d)T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-](0\d|1[0-5])(:[0-5]\d){0,2})$/.exec(
      v,
    );
  if (!m) return false;
  const [year, month, day] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
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
  const { after, before } = args;
  const { limit, backward } = pageSize(args);
  const conditions: RawBuilder<boolean>[] = [];
  if (after != null) {
    conditions.push(cursorCondition(keyset, decodeCursor(keyset, after, 'after'), 'after'));
  }
  if (before != null) {
    conditions.push(cursorCondition(keyset, decodeCursor(keyset, before, 'before'), 'before'));
  }
  return { limit, backward, conditions };
}

/** first/last checked against the limits: how many, and whether paging backwards (`last`). */
export function pageSize(args: PageArgs): { limit: number; backward: boolean } {
  const { first, last } = args;
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
  const backward = last != null;
  return { limit: (backward ? last : first) ?? DEFAULT_PAGE_SIZE, backward };
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
