import { sql } from 'kysely';
import { UserInputError } from '../errors.js';
import { and, type Condition, FALSE, or } from './filters.js';
import { escapeLike } from './like.js';
import type { AttributeDefinition } from './schema.js';

/** A condition on one custom attribute (`customAttributes.<key>`). */
export type AttributeFilter = {
  key: string;
  /** The key's definition when it has one (archived ones too): typed comparison. */
  definition?: AttributeDefinition | null;
  eq?: unknown;
  neq?: unknown;
  in?: readonly unknown[] | null;
  contains?: unknown;
  gt?: unknown;
  gte?: unknown;
  lt?: unknown;
  lte?: unknown;
  exists?: boolean | null;
};

const ATTRIBUTE_KEY = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * The condition of one `ContactFilter.attributes` entry over `attrs`, a SQL expression holding
 * the contact's custom attributes (jsonb). Without a definition the value compares as JSON.
 */
export function attributeCondition(f: AttributeFilter, index: number, attrs: string): Condition {
  if (!ATTRIBUTE_KEY.test(f.key)) {
    throw new UserInputError(
      `filter.attributes[${index}].key`,
      'must be 1-100 letters, digits, "_", "." or "-"',
    );
  }
  const column = sql.raw(attrs);
  const value = sql`${column} -> ${f.key}`;
  const json = (v: unknown) => sql`cast(${JSON.stringify(v)} as jsonb)`;
  const out: Condition[] = [];
  if (f.eq !== undefined && f.eq !== null) {
    // The containment test lets the GIN index find candidates; equality makes it exact.
    out.push(sql`(${column} @> ${json({ [f.key]: f.eq })} and ${value} = ${json(f.eq)})`);
  }
  if (f.neq !== undefined && f.neq !== null) {
    out.push(sql`(${value} is null or ${value} <> ${json(f.neq)})`);
  }
  if (f.in != null) {
    out.push(
      f.in.length === 0
        ? FALSE
        : or(f.in.map((v) => sql<boolean>`coalesce(${value} = ${json(v)}, false)`)),
    );
  }
  if (f.contains !== undefined && f.contains !== null) {
    // Arrays contain an element; strings contain a substring (case-insensitive).
    const needle = f.contains;
    out.push(
      typeof needle === 'string'
        ? sql`(case jsonb_typeof(${value})
            when 'array' then ${value} @> ${json([needle])}
            when 'string' then lower(${value} #>> '{}') like ${`%${escapeLike(needle.toLowerCase())}%`}
            else false end)`
        : sql`coalesce(jsonb_typeof(${value}) = 'array' and ${value} @> ${json([needle])}, false)`,
    );
  }
  for (const [op, operand] of [
    ['>', f.gt],
    ['>=', f.gte],
    ['<', f.lt],
    ['<=', f.lte],
  ] as const) {
    if (operand === undefined || operand === null) continue;
    if (typeof operand !== 'number' && typeof operand !== 'string') {
      throw new UserInputError(
        `filter.attributes[${index}]`,
        'gt/gte/lt/lte take a number or a string (ISO dates compare as strings)',
      );
    }
    // Same JSON type only: numbers compare as numbers, strings as strings, never across.
    out.push(
      sql`coalesce(jsonb_typeof(${value}) = ${typeof operand} and ${value} ${sql.raw(op)} ${json(operand)}, false)`,
    );
  }
  if (f.exists != null) {
    const present = sql<boolean>`(${column} ? ${f.key})`;
    out.push(f.exists ? present : sql`not ${present}`);
  }
  return and(out);
}
