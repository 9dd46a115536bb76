import { encodeGlobalId } from '../src/global-id.js';
import { type Operation, rotation } from './operations.js';

/**
 * The attributes suite's reads, each as a GraphQL operation and as the best single SQL
 * statement for the same data. The SQL uses the expressions the API compiles typed attribute
 * conditions and sorts to (src/db/typed-attribute-filter.ts, attribute-indexes.ts): JSON
 * containment for scalar equality (the workspace's GIN index), the coalesced typed value for
 * ranges and sorts (the per-definition expression indexes). Re-check them when those change.
 */

/** The typed definitions the suite creates: the demo's (values come from its generator). */
export { DEMO_DEFINITIONS as BENCH_DEFINITIONS } from '../src/demo/demo-schema.js';

/** One segment per plan, so requests rotate over four audiences of similar size. */
export const SEGMENT_PLANS = ['free', 'starter', 'pro', 'enterprise'] as const;
export const SEGMENT_MIN_LTV = 10_000;
export const SEGMENT_SINCE = '2025-01-01';
export const segmentName = (plan: string) => `bench: ${plan}, LTV > ${SEGMENT_MIN_LTV}, 2025+`;

/** The 3-condition ContactFilter each bench segment stores. */
export function segmentFilter(plan: string) {
  return {
    attributes: [
      { key: 'plan', eq: plan },
      { key: 'lifetime_value', gt: SEGMENT_MIN_LTV },
      { key: 'signup_date', gte: SEGMENT_SINCE },
    ],
  };
}

/** Thresholds the filter + sort page rotates through. */
export const SORT_THRESHOLDS = [500, 1000, 2500, 5000, 7500];

export type AttributeFixtures = {
  workspaceId: string;
  /** Segment local id per plan. */
  segments: { plan: string; id: string }[];
};

const SEGMENT_QUERY = `query SegmentPage($id: ID!) {
  segment(id: $id) {
    count
    contacts(first: 20) { edges { node { id name } } }
  }
}`;

const ltv = `contact_attr_number(c.custom_attributes, 'lifetime_value')`;
const signup = `contact_attr_text(c.custom_attributes, 'signup_date')`;

/** The segment's stored filter, as the API compiles it (`$1`: the plan). */
function segmentCondition(workspaceId: string): string {
  return `c.workspace_id = ${workspaceId} and c.deleted_at is null
     and c.custom_attributes @> jsonb_build_object('plan', $1::text)
     and ${ltv} is not null and coalesce(${ltv}, 0) > ${SEGMENT_MIN_LTV}
     and ${signup} is not null and coalesce(${signup}, '') >= '${SEGMENT_SINCE}'`;
}

/**
 * Count and first page (newest first, 21 rows: the 21st tells whether a next page exists) in
 * one statement, as two independent subqueries: the count reads every member, the page can
 * stop early walking the created_at index (a shared CTE would make it read them all).
 */
function segmentSql(workspaceId: string): string {
  const where = segmentCondition(workspaceId);
  return `
select (select count(*) from contacts c where ${where}) as count,
  (select coalesce(json_agg(p), '[]')
     from (select c.id, c.name from contacts c where ${where}
            order by c.created_at desc, c.id desc limit 21) p) as page`;
}

const SORT_QUERY = `query AttributeSortPage($min: JSON!) {
  contacts(
    first: 50
    filter: { attributes: [{ key: "lifetime_value", gt: $min }] }
    orderBy: [{ field: CUSTOM_ATTRIBUTE, attributeKey: "lifetime_value", direction: DESC }]
  ) {
    edges { cursor node { id name customAttributes } }
    pageInfo { hasNextPage endCursor }
  }
}`;

// The keyset order of a nullable sort key: the non-null group first, then the value, then id;
// 51 rows for hasNextPage.
function sortSql(workspaceId: string): string {
  return `
select c.id, c.name, c.custom_attributes
  from contacts c
 where c.workspace_id = ${workspaceId} and c.deleted_at is null
   and (${ltv} is not null) and coalesce(${ltv}, 0) > $1
 order by (${ltv} is not null) desc, coalesce(${ltv}, 0) desc, c.id desc
 limit 51`;
}

export function attributeOperations(f: AttributeFixtures): Operation[] {
  if (!/^[0-9]+$/.test(f.workspaceId)) throw new Error('workspace ids are numeric');
  const segment = rotation(f.segments);
  const threshold = rotation(SORT_THRESHOLDS);
  return [
    {
      name: 'segment',
      title: 'segment count+page',
      query: SEGMENT_QUERY,
      variables: () => ({ id: encodeGlobalId('Segment', segment().id) }),
      sql: segmentSql(f.workspaceId),
      params: () => [segment().plan],
    },
    {
      name: 'attribute-sort',
      title: 'attr filter+sort',
      query: SORT_QUERY,
      variables: () => ({ min: threshold() }),
      sql: sortSql(f.workspaceId),
      params: () => [threshold()],
    },
  ];
}
