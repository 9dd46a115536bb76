import { sql } from 'kysely';
import {
  and,
  type Condition,
  type DateTimeFilter,
  dateTimeCondition,
  type StringFilter,
  stringCondition,
} from './filters.js';
import { buildKeyset, type PageArgs, type SortField, type SortSpec } from './keyset.js';
import { lowerContains } from './like.js';
import { fetchPage } from './paging.js';
import type { Organization } from './schema.js';
import type { WorkspaceScope } from './scope.js';

export type OrganizationFilter = {
  name?: StringFilter | null;
  domain?: StringFilter | null;
  createdAt?: DateTimeFilter | null;
  updatedAt?: DateTimeFilter | null;
};

export type OrganizationOrderField = 'NAME' | 'CREATED_AT' | 'UPDATED_AT';

const ORGANIZATION_SORT: Record<OrganizationOrderField, SortField> = {
  NAME: {
    column: 'organizations.name',
    key: 'lower(organizations.name) collate "C"',
    type: 'text',
  },
  CREATED_AT: {
    column: 'organizations.created_at',
    key: 'organizations.created_at',
    type: 'timestamptz',
  },
  UPDATED_AT: {
    column: 'organizations.updated_at',
    key: 'organizations.updated_at',
    type: 'timestamptz',
  },
};

const DEFAULT_ORDER: SortSpec[] = [{ field: 'NAME', direction: 'ASC' }];

function organizationCondition(f: OrganizationFilter): Condition {
  const out: Condition[] = [];
  if (f.name)
    out.push(stringCondition({ column: 'organizations.name', caseInsensitive: true }, f.name));
  if (f.domain) {
    out.push(stringCondition({ column: 'organizations.domain', caseInsensitive: true }, f.domain));
  }
  if (f.createdAt) out.push(dateTimeCondition('organizations.created_at', f.createdAt));
  if (f.updatedAt) out.push(dateTimeCondition('organizations.updated_at', f.updatedAt));
  return and(out);
}

/** Scoped reads of organizations. */
export function organizationsRepository(scope: WorkspaceScope) {
  return {
    byIds(ids: readonly string[]): Promise<Organization[]> {
      return scope
        .selectFrom('organizations')
        .selectAll()
        .where('id', '=', sql<string>`any(${[...ids]}::bigint[])`)
        .execute();
    },

    page(
      query: {
        filter?: OrganizationFilter | null;
        search?: string | null;
        orderBy?: readonly SortSpec[] | null;
      },
      args: PageArgs,
    ) {
      let q = scope.selectFrom('organizations').selectAll('organizations');
      if (query.filter) q = q.where(organizationCondition(query.filter));
      const search = query.search?.trim();
      if (search) {
        // Same expression as the organizations_search trigram index.
        const haystack = sql.raw(
          `lower(organizations.name || E'\\x01' || coalesce(organizations.domain, ''))`,
        );
        q = q.where(lowerContains(haystack, search));
      }
      const order = query.orderBy?.length ? query.orderBy : DEFAULT_ORDER;
      return fetchPage<Organization>(
        scope.db,
        q,
        buildKeyset(ORGANIZATION_SORT, order, 'organizations.id'),
        args,
      );
    },
  };
}
