import { sql } from 'kysely';
import { UserInputError } from '../errors.js';
import {
  and,
  type Condition,
  type DateTimeFilter,
  dateTimeCondition,
  FALSE,
  type IdFilter,
  idCondition,
  or,
  type StringFilter,
  stringCondition,
} from './filters.js';
import { escapeLike } from './like.js';
import type { ContactType } from './schema.js';

export type LabelSetFilter = {
  any?: readonly string[] | null;
  all?: readonly string[] | null;
  none?: readonly string[] | null;
};

/** A condition on one custom attribute (`customAttributes.<key>`), compared as JSON. */
export type AttributeFilter = {
  key: string;
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

export type ContactFilter = {
  and?: readonly ContactFilter[] | null;
  or?: readonly ContactFilter[] | null;
  not?: ContactFilter | null;
  name?: StringFilter | null;
  email?: StringFilter | null;
  phone?: StringFilter | null;
  externalId?: StringFilter | null;
  type?: readonly ContactType[] | null;
  blocked?: boolean | null;
  organizationId?: IdFilter | null;
  labels?: LabelSetFilter | null;
  createdAt?: DateTimeFilter | null;
  updatedAt?: DateTimeFilter | null;
  lastActivityAt?: DateTimeFilter | null;
  attributes?: readonly AttributeFilter[] | null;
  /** Read at the top level only: soft-deleted contacts are hidden unless true. */
  includeDeleted?: boolean | null;
};

const MAX_DEPTH = 8;

/**
 * The one translator from ContactFilter to SQL, over the `contacts` table. Segments (later)
 * reuse it. Every condition is two-valued (never null), so `not` is an exact complement.
 */
export function contactCondition(filter: ContactFilter, depth = 0): Condition {
  if (depth > MAX_DEPTH) {
    throw new UserInputError('filter', `nests and/or/not deeper than ${MAX_DEPTH} levels`);
  }
  const out: Condition[] = [];
  const strings = [
    ['name', 'contacts.name', true],
    ['email', 'contacts.email', true],
    ['phone', 'contacts.phone', false],
    ['externalId', 'contacts.external_id', false],
  ] as const;
  for (const [field, column, caseInsensitive] of strings) {
    const f = filter[field];
    if (!f) continue;
    out.push(stringCondition({ column, caseInsensitive }, f));
    const hint = f.contains ?? f.startsWith;
    // Every searched column is inside search_text, so the trigram index can narrow rows first.
    if (hint != null && hint.length >= 3) {
      out.push(sql<boolean>`contacts.search_text like ${`%${escapeLike(hint.toLowerCase())}%`}`);
    }
  }
  if (filter.type != null) {
    out.push(filter.type.length === 0 ? FALSE : sql`contacts.type = any(${filter.type}::text[])`);
  }
  if (filter.blocked != null) out.push(sql`contacts.blocked = ${filter.blocked}`);
  if (filter.organizationId) {
    out.push(idCondition('contacts.organization_id', filter.organizationId));
  }
  if (filter.labels) out.push(labelCondition(filter.labels));
  const dates = [
    ['createdAt', 'contacts.created_at'],
    ['updatedAt', 'contacts.updated_at'],
    ['lastActivityAt', 'contacts.last_activity_at'],
  ] as const;
  for (const [field, column] of dates) {
    const f = filter[field];
    if (f) out.push(dateTimeCondition(column, f));
  }
  filter.attributes?.forEach((f, i) => {
    out.push(attributeCondition(f, i));
  });
  if (filter.and) out.push(and(filter.and.map((f) => contactCondition(f, depth + 1))));
  if (filter.or) out.push(or(filter.or.map((f) => contactCondition(f, depth + 1))));
  if (filter.not) out.push(sql`not ${contactCondition(filter.not, depth + 1)}`);
  return and(out);
}

function hasLabels(ids: readonly string[]): Condition {
  return sql<boolean>`exists (select 1 from contact_labels cl
    where cl.workspace_id = contacts.workspace_id and cl.contact_id = contacts.id
      and cl.label_id = any(${ids}::bigint[]))`;
}

function labelCondition(f: LabelSetFilter): Condition {
  const out: Condition[] = [];
  if (f.any != null) out.push(f.any.length === 0 ? FALSE : hasLabels(f.any));
  if (f.all != null && f.all.length > 0) {
    const distinct = [...new Set(f.all)];
    out.push(sql<boolean>`(select count(*) from contact_labels cl
      where cl.workspace_id = contacts.workspace_id and cl.contact_id = contacts.id
        and cl.label_id = any(${distinct}::bigint[])) = ${distinct.length}`);
  }
  if (f.none != null && f.none.length > 0) out.push(sql`not ${hasLabels(f.none)}`);
  return and(out);
}

const ATTRIBUTE_KEY = /^[A-Za-z0-9_.-]{1,100}$/;

function attributeCondition(f: AttributeFilter, index: number): Condition {
  if (!ATTRIBUTE_KEY.test(f.key)) {
    throw new UserInputError(
      `filter.attributes[${index}].key`,
      'must be 1-100 letters, digits, "_", "." or "-"',
    );
  }
  const value = sql`contacts.custom_attributes -> ${f.key}`;
  const json = (v: unknown) => sql`cast(${JSON.stringify(v)} as jsonb)`;
  const out: Condition[] = [];
  if (f.eq !== undefined && f.eq !== null) {
    // The containment test lets the GIN index find candidates; equality makes it exact.
    out.push(
      sql`(contacts.custom_attributes @> ${json({ [f.key]: f.eq })} and ${value} = ${json(f.eq)})`,
    );
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
    const present = sql<boolean>`(contacts.custom_attributes ? ${f.key})`;
    out.push(f.exists ? present : sql`not ${present}`);
  }
  return and(out);
}
