import { sql } from 'kysely';
import { UserInputError } from '../errors.js';
import { and, type Condition, FALSE, or } from './filters.js';
import { escapeLike } from './like.js';
import type { AttributeDefinition } from './schema.js';
import {
  type AttributeOperands,
  COMPARISON,
  existsCondition,
  typedAttributeCondition,
} from './typed-attribute-filter.js';

/** A condition on one custom attribute (`customAttributes.<key>`). */
export type AttributeFilter = AttributeOperands & {
  key: string;
  /** The key's definition when it has one (archived ones too): typed comparison. */
  definition?: AttributeDefinition | null;
  /** Where this condition is in the request (`filter.and[0].attributes[2]`), for errors. */
  path?: string;
};

const ATTRIBUTE_KEY = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * The condition of one `ContactFilter.attributes` entry over `attrs`, a SQL expression holding
 * the contact's custom attributes (jsonb): the contacts column or an event snapshot's. With a
 * definition, operands are normalized as values are on write and compared typed (see
 * typed-attribute-filter.ts); without one the value compares as JSON. Never null, so `not`
 * is an exact complement.
 */
export function attributeCondition(f: AttributeFilter, index: number, attrs: string): Condition {
  const path = f.path ?? `filter.attributes[${index}]`;
  if (!ATTRIBUTE_KEY.test(f.key)) {
    throw new UserInputError(`${path}.key`, 'must be 1-100 letters, digits, "_", "." or "-"');
  }
  if (f.definition) return typedAttributeCondition(f, f.definition, path, attrs);
  return untypedCondition(f, path, attrs);
}

const json = (v: unknown) => sql`cast(${JSON.stringify(v)} as jsonb)`;
const given = <T>(v: T | null | undefined): v is T => v !== undefined && v !== null;

/** A key without a definition: its value compares as JSON (numbers as numbers, strings as strings). */
function untypedCondition(f: AttributeFilter, path: string, attrs: string): Condition {
  const column = sql.raw(attrs);
  const value = sql`${column} -> ${f.key}`;
  const has = (v: unknown) => sql<boolean>`${column} @> ${json({ [f.key]: v })}`;
  // The containment test lets the GIN index find candidates; equality makes it exact.
  const equals = (v: unknown) => sql<boolean>`(${has(v)} and ${value} = ${json(v)})`;
  const out: Condition[] = [];
  if (given(f.eq)) out.push(equals(f.eq));
  if (given(f.neq)) out.push(sql`(${value} is null or ${value} <> ${json(f.neq)})`);
  if (f.in != null) {
    out.push(
      f.in.length === 0
        ? FALSE
        : or(f.in.map((v) => sql<boolean>`coalesce(${value} = ${json(v)}, false)`)),
    );
  }
  if (given(f.contains)) {
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
  if (given(f.startsWith)) {
    out.push(sql`coalesce(jsonb_typeof(${value}) = 'string'
      and lower(${value} #>> '{}') like ${`${escapeLike(f.startsWith.toLowerCase())}%`}, false)`);
  }
  for (const [op, operand] of [
    ['gt', f.gt],
    ['gte', f.gte],
    ['lt', f.lt],
    ['lte', f.lte],
  ] as const) {
    if (!given(operand)) continue;
    if (typeof operand !== 'number' && typeof operand !== 'string') {
      throw new UserInputError(
        `${path}.${op}`,
        'takes a number or a string (ISO dates compare as strings)',
      );
    }
    // Same JSON type only: numbers compare as numbers, strings as strings, never across.
    out.push(
      sql`coalesce(jsonb_typeof(${value}) = ${typeof operand} and ${value} ${sql.raw(COMPARISON[op])} ${json(operand)}, false)`,
    );
  }
  // Elements of an array value: any / all / none of these.
  if (f.any != null) out.push(f.any.length === 0 ? FALSE : or(f.any.map((v) => has([v]))));
  if (f.all != null && f.all.length > 0) out.push(has(f.all));
  if (f.none != null && f.none.length > 0) out.push(sql`not ${or(f.none.map((v) => has([v])))}`);
  if (f.exists != null) out.push(existsCondition(attrs, f.key, f.exists));
  return and(out);
}
