import { type RawBuilder, sql } from 'kysely';
import { attributeSortField } from './attribute-indexes.js';
import { type ContactFilter, contactCondition } from './contact-filter.js';
import {
  buildKeyset,
  type Keyset,
  type PageArgs,
  type SortField,
  type SortSpec,
} from './keyset.js';
import { lowerContains } from './like.js';
import {
  type Connection,
  countPartitioned,
  countPerQuery,
  fetchPage,
  fetchPagesPerQuery,
  fetchPartitionedPages,
} from './paging.js';
import type { AttributeType, Contact } from './schema.js';
import type { WorkspaceScope } from './scope.js';
import type { SegmentCondition } from './segments.js';

export type ContactOrderField =
  | 'NAME'
  | 'EMAIL'
  | 'PHONE'
  | 'EXTERNAL_ID'
  | 'CREATED_AT'
  | 'UPDATED_AT'
  | 'LAST_ACTIVITY_AT'
  | 'CUSTOM_ATTRIBUTE';

/** One sort key of a contact list; CUSTOM_ATTRIBUTE carries its attribute's key and type. */
export type ContactSortSpec = SortSpec & {
  attribute?: { key: string; type: AttributeType } | null;
};

/** Sort keys exactly as the migrations index them (see `nullableKeysetIndexes`). */
const CONTACT_SORT: Record<Exclude<ContactOrderField, 'CUSTOM_ATTRIBUTE'>, SortField> = {
  NAME: {
    column: 'contacts.name',
    key: 'lower(contacts.name) collate "C"',
    type: 'text',
    nullSentinel: "''",
  },
  EMAIL: {
    column: 'contacts.email',
    key: 'contacts.email collate "C"',
    type: 'text',
    nullSentinel: "''",
  },
  PHONE: {
    column: 'contacts.phone',
    key: 'contacts.phone collate "C"',
    type: 'text',
    nullSentinel: "''",
  },
  EXTERNAL_ID: {
    column: 'contacts.external_id',
    key: 'contacts.external_id collate "C"',
    type: 'text',
    nullSentinel: "''",
  },
  CREATED_AT: { column: 'contacts.created_at', key: 'contacts.created_at', type: 'timestamptz' },
  UPDATED_AT: { column: 'contacts.updated_at', key: 'contacts.updated_at', type: 'timestamptz' },
  LAST_ACTIVITY_AT: {
    column: 'contacts.last_activity_at',
    key: 'contacts.last_activity_at',
    type: 'timestamptz',
    nullSentinel: `'-infinity'::timestamptz`,
  },
};

/** Every column a read returns (not `search_text`: long, and only the index needs it). */
export const CONTACT_COLUMNS = [
  'contacts.id',
  'contacts.workspaceId',
  'contacts.externalId',
  'contacts.name',
  'contacts.givenName',
  'contacts.middleName',
  'contacts.lastName',
  'contacts.email',
  'contacts.emailVerifiedAt',
  'contacts.phone',
  'contacts.phoneVerifiedAt',
  'contacts.avatarUrl',
  'contacts.timezone',
  'contacts.location',
  'contacts.countryCode',
  'contacts.blocked',
  'contacts.isVendor',
  'contacts.ownerId',
  'contacts.organizationId',
  'contacts.customAttributes',
  'contacts.additionalAttributes',
  'contacts.archivedAttributes',
  'contacts.profileIds',
  'contacts.lastActivityAt',
  'contacts.createdAt',
  'contacts.updatedAt',
  'contacts.deletedAt',
  'contacts.type',
] as const;

export const DEFAULT_CONTACT_ORDER: SortSpec[] = [{ field: 'CREATED_AT', direction: 'DESC' }];

export type ContactQuery = {
  filter?: ContactFilter | null;
  search?: string | null;
  orderBy?: readonly ContactSortSpec[] | null;
};

/**
 * The keyset of a contact order. A custom attribute becomes a field of its own, named with
 * its key and type, so a cursor made for another attribute (or for the same key before its
 * type changed) is refused like any cursor of another order.
 */
export function contactKeyset(orderBy?: readonly ContactSortSpec[] | null): Keyset {
  const fields: Record<string, SortField> = { ...CONTACT_SORT };
  const specs: readonly ContactSortSpec[] = orderBy?.length ? orderBy : DEFAULT_CONTACT_ORDER;
  const order = specs.map((spec) => {
    const attribute = spec.field === 'CUSTOM_ATTRIBUTE' ? spec.attribute : null;
    if (!attribute) return { field: spec.field, direction: spec.direction };
    const field = `CUSTOM_ATTRIBUTE(${attribute.key}:${attribute.type})`;
    fields[field] = attributeSortField(attribute.key, attribute.type);
    return { field, direction: spec.direction };
  });
  return buildKeyset(fields, order, 'contacts.id');
}

export type ContactLookup = { externalId?: string; email?: string; phone?: string };

/** Scoped reads of contacts. */
export function contactsRepository(scope: WorkspaceScope) {
  const keysetFor = contactKeyset;

  function matching(query: ContactQuery) {
    let q = scope.selectFrom('contacts').select(CONTACT_COLUMNS);
    if (!query.filter?.includeDeleted) q = q.where('contacts.deletedAt', 'is', null);
    if (query.filter) q = q.where(contactCondition(query.filter));
    const search = query.search?.trim();
    if (search) q = q.where(lowerContains(sql.raw('contacts.search_text'), search));
    return q;
  }

  return {
    /** Contacts by id in any state (deleted ones too): the loader behind `node` and nested edges. */
    byIds(ids: readonly string[]): Promise<Contact[]> {
      return scope
        .selectFrom('contacts')
        .select(CONTACT_COLUMNS)
        .where('id', '=', sql<string>`any(${[...ids]}::bigint[])`)
        .execute();
    },

    /** One live contact by id, external ID, email or phone (all given keys must match). */
    async find(lookup: ContactLookup & { id?: string }, includeDeleted = false) {
      let q = scope.selectFrom('contacts').select(CONTACT_COLUMNS);
      if (lookup.id !== undefined) q = q.where('id', '=', lookup.id);
      if (lookup.externalId !== undefined) q = q.where('externalId', '=', lookup.externalId);
      if (lookup.email !== undefined) q = q.where('email', '=', lookup.email.trim().toLowerCase());
      if (lookup.phone !== undefined) q = q.where('phone', '=', lookup.phone);
      if (!includeDeleted) q = q.where('deletedAt', 'is', null);
      // With includeDeleted, a live contact wins over deleted ones holding the same key.
      return q
        .orderBy(sql`deleted_at is not null`)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
    },

    /**
     * Ids a bulk action selects: by filter or by ids, live contacts (or, with `deleted`, deleted
     * ones), at most `limit` (ask one more than allowed to detect overflow).
     */
    async matchingIds(
      selection: { filter: ContactFilter | null; ids?: readonly string[]; deleted: boolean },
      limit: number,
    ): Promise<string[]> {
      const filter = { ...(selection.filter ?? {}), includeDeleted: selection.deleted };
      let q = matching({ filter }).clearSelect().select('contacts.id');
      if (selection.ids)
        q = q.where('contacts.id', '=', sql<string>`any(${[...selection.ids]}::bigint[])`);
      if (selection.deleted) q = q.where('contacts.deletedAt', 'is not', null);
      const rows = await q.orderBy('contacts.id').limit(limit).execute();
      return rows.map((r) => r.id);
    },

    page(query: ContactQuery, args: PageArgs): Promise<Connection<Contact>> {
      return fetchPage<Contact>(scope.db, matching(query), keysetFor(query.orderBy), args);
    },

    /** `Organization.contacts` for many organizations at once. */
    pagesByOrganization(ids: readonly string[], query: ContactQuery, args: PageArgs) {
      return fetchPartitionedPages<Contact>(
        scope.db,
        ids,
        (key) => matching(query).where(sql<boolean>`contacts.organization_id = ${key}`),
        keysetFor(query.orderBy),
        args,
      );
    },

    countByOrganization(ids: readonly string[], query: ContactQuery) {
      return countPartitioned(scope.db, ids, (key) =>
        matching(query).where(sql<boolean>`contacts.organization_id = ${key}`),
      );
    },

    /** `Label.contacts` for many labels at once. */
    pagesByLabel(ids: readonly string[], query: ContactQuery, args: PageArgs) {
      return fetchPartitionedPages<Contact>(
        scope.db,
        ids,
        (key) => matching(query).where(hasLabel(key)),
        keysetFor(query.orderBy),
        args,
      );
    },

    countByLabel(ids: readonly string[], query: ContactQuery) {
      return countPartitioned(scope.db, ids, (key) => matching(query).where(hasLabel(key)));
    },

    /**
     * `Segment.contacts` for many segments at once (one statement): each segment's membership
     * (which decides about deleted contacts) and the query's filter.
     */
    pagesBySegment(segments: readonly SegmentCondition[], query: ContactQuery, args: PageArgs) {
      const members = { ...query, filter: { ...query.filter, includeDeleted: true } };
      return fetchPagesPerQuery<Contact>(
        scope.db,
        segments.map((s) => ({ key: s.id, query: matching(members).where(s.condition) })),
        keysetFor(query.orderBy),
        args,
      );
    },

    countBySegment(segments: readonly SegmentCondition[], query: ContactQuery) {
      const members = { ...query, filter: { ...query.filter, includeDeleted: true } };
      return countPerQuery(
        scope.db,
        segments.map((s) => ({ key: s.id, query: matching(members).where(s.condition) })),
      );
    },
  };
}

function hasLabel(key: RawBuilder<string>) {
  return sql<boolean>`exists (select 1 from contact_labels cl
    where cl.workspace_id = contacts.workspace_id and cl.contact_id = contacts.id and cl.label_id = ${key})`;
}

export type ContactsRepository = ReturnType<typeof contactsRepository>;
