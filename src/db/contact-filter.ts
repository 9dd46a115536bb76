import { sql } from 'kysely';
import { UserInputError } from '../errors.js';
import { type AttributeFilter, attributeCondition } from './attribute-filter.js';
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

export type { AttributeFilter } from './attribute-filter.js';

export type LabelSetFilter = {
  any?: readonly string[] | null;
  all?: readonly string[] | null;
  none?: readonly string[] | null;
};

/** Segments a contact must be in (`any`) or must not be in (`none`), as their filters. */
export type SegmentSetFilter = {
  any?: readonly ContactFilter[] | null;
  none?: readonly ContactFilter[] | null;
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
  /** Segment membership; the resolver has already loaded each segment's own filter. */
  segments?: SegmentSetFilter | null;
  /** Read at the top level only: soft-deleted contacts are hidden unless true. */
  includeDeleted?: boolean | null;
};

const MAX_DEPTH = 8;

/**
 * Where a filter reads a contact from. The same filter compiles against the `contacts` table
 * (lists, counts, segment membership) and against a contact as an event recorded it (a JSON
 * snapshot: the `segmentId` event filter and segmentsEntered/Left), so there is one filter
 * language with one meaning. Expressions are raw SQL text without parameters.
 */
export type ContactRow = {
  name: string;
  email: string;
  phone: string;
  externalId: string;
  type: string;
  blocked: string;
  /** bigint */
  organizationId: string;
  /** timestamptz */
  createdAt: string;
  updatedAt: string;
  lastActivityAt: string;
  deletedAt: string;
  /** jsonb object of custom attribute values */
  customAttributes: string;
  /** The lower-cased search haystack with a trigram index, when the row has one. */
  searchText?: string;
  /** Has any of these labels (local ids). */
  hasAnyLabel(ids: readonly string[]): Condition;
  /** Has all of these labels (distinct local ids). */
  hasAllLabels(ids: readonly string[]): Condition;
};

/** The `contacts` table, as every list query names it. */
export const CONTACTS_TABLE: ContactRow = {
  name: 'contacts.name',
  email: 'contacts.email',
  phone: 'contacts.phone',
  externalId: 'contacts.external_id',
  type: 'contacts.type',
  blocked: 'contacts.blocked',
  organizationId: 'contacts.organization_id',
  createdAt: 'contacts.created_at',
  updatedAt: 'contacts.updated_at',
  lastActivityAt: 'contacts.last_activity_at',
  deletedAt: 'contacts.deleted_at',
  customAttributes: 'contacts.custom_attributes',
  searchText: 'contacts.search_text',
  hasAnyLabel: (ids) => sql<boolean>`exists (select 1 from contact_labels cl
    where cl.workspace_id = contacts.workspace_id and cl.contact_id = contacts.id
      and cl.label_id = any(${ids}::bigint[]))`,
  hasAllLabels: (ids) => sql<boolean>`(select count(*) from contact_labels cl
    where cl.workspace_id = contacts.workspace_id and cl.contact_id = contacts.id
      and cl.label_id = any(${ids}::bigint[])) = ${ids.length}`,
};

/**
 * A contact snapshot (the events' JSON: API field names, local ids as text) held by the SQL
 * expression `json` — e.g. `e.snapshot`. A null snapshot (the contact did not exist) makes
 * every field null and every label test false.
 */
export function snapshotRow(json: string): ContactRow {
  const text = (field: string) => `(${json} ->> '${field}')`;
  const labels = `coalesce(${json} -> 'labelIds', '[]'::jsonb)`;
  return {
    name: text('name'),
    email: text('email'),
    phone: text('phone'),
    externalId: text('externalId'),
    type: text('type'),
    blocked: `coalesce((${json} ->> 'blocked')::boolean, false)`,
    organizationId: `${text('organizationId')}::bigint`,
    createdAt: `${text('createdAt')}::timestamptz`,
    updatedAt: `${text('updatedAt')}::timestamptz`,
    lastActivityAt: `${text('lastActivityAt')}::timestamptz`,
    deletedAt: `${text('deletedAt')}::timestamptz`,
    customAttributes: `coalesce(${json} -> 'customAttributes', '{}'::jsonb)`,
    hasAnyLabel: (ids) => sql<boolean>`coalesce(${sql.raw(labels)} ?| ${ids}::text[], false)`,
    hasAllLabels: (ids) =>
      sql<boolean>`coalesce(${sql.raw(labels)} @> to_jsonb(${ids}::text[]), false)`,
  };
}

/**
 * The one translator from ContactFilter to SQL, over `row` (the `contacts` table unless told).
 * Segments reuse it. Every condition is two-valued (never null), so `not` is an exact
 * complement. `includeDeleted` is the caller's business (see `liveCondition`).
 */
export function contactCondition(
  filter: ContactFilter,
  row: ContactRow = CONTACTS_TABLE,
  depth = 0,
): Condition {
  if (depth > MAX_DEPTH) {
    throw new UserInputError('filter', `nests and/or/not deeper than ${MAX_DEPTH} levels`);
  }
  const out: Condition[] = [];
  const strings = [
    ['name', true],
    ['email', true],
    ['phone', false],
    ['externalId', false],
  ] as const;
  for (const [field, caseInsensitive] of strings) {
    const f = filter[field];
    if (!f) continue;
    out.push(stringCondition({ column: row[field], caseInsensitive }, f));
    const hint = f.contains ?? f.startsWith;
    // Every searched column is inside search_text, so the trigram index can narrow rows first.
    if (row.searchText && hint != null && hint.length >= 3) {
      out.push(
        sql<boolean>`${sql.raw(row.searchText)} like ${`%${escapeLike(hint.toLowerCase())}%`}`,
      );
    }
  }
  if (filter.type != null) {
    out.push(
      filter.type.length === 0 ? FALSE : sql`${sql.raw(row.type)} = any(${filter.type}::text[])`,
    );
  }
  if (filter.blocked != null) out.push(sql`${sql.raw(row.blocked)} = ${filter.blocked}`);
  if (filter.organizationId) out.push(idCondition(row.organizationId, filter.organizationId));
  if (filter.labels) out.push(labelCondition(filter.labels, row));
  const dates = ['createdAt', 'updatedAt', 'lastActivityAt'] as const;
  for (const field of dates) {
    const f = filter[field];
    if (f) out.push(dateTimeCondition(row[field], f));
  }
  filter.attributes?.forEach((f, i) => {
    out.push(attributeCondition(f, i, row.customAttributes));
  });
  if (filter.segments) out.push(segmentCondition(filter.segments, row, depth));
  if (filter.and) out.push(and(filter.and.map((f) => contactCondition(f, row, depth + 1))));
  if (filter.or) out.push(or(filter.or.map((f) => contactCondition(f, row, depth + 1))));
  if (filter.not) out.push(sql`not ${contactCondition(filter.not, row, depth + 1)}`);
  return and(out);
}

/**
 * Membership of a segment: its filter over live contacts (deleted ones too when the segment's
 * filter says `includeDeleted`). This is the condition `Segment.contacts` lists.
 */
export function membershipCondition(
  filter: ContactFilter,
  row: ContactRow = CONTACTS_TABLE,
  depth = 0,
): Condition {
  const live = filter.includeDeleted ? [] : [sql<boolean>`${sql.raw(row.deletedAt)} is null`];
  return and([...live, contactCondition(filter, row, depth)]);
}

function segmentCondition(f: SegmentSetFilter, row: ContactRow, depth: number): Condition {
  const out: Condition[] = [];
  const member = (segment: ContactFilter) => membershipCondition(segment, row, depth + 1);
  if (f.any != null) out.push(or(f.any.map(member)));
  if (f.none != null && f.none.length > 0) out.push(sql`not ${or(f.none.map(member))}`);
  return and(out);
}

function labelCondition(f: LabelSetFilter, row: ContactRow): Condition {
  const out: Condition[] = [];
  if (f.any != null) out.push(f.any.length === 0 ? FALSE : row.hasAnyLabel(f.any));
  if (f.all != null && f.all.length > 0) out.push(row.hasAllLabels([...new Set(f.all)]));
  if (f.none != null && f.none.length > 0) out.push(sql`not ${row.hasAnyLabel(f.none)}`);
  return and(out);
}
