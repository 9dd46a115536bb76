import { encodeGlobalId } from '../src/global-id.js';

/** Real ids and terms the operations rotate through, so requests do not all hit one row. */
export type Fixtures = {
  workspaceId: string;
  contactIds: string[];
  labelIds: string[];
  terms: string[];
};

/** The read suite's operations, then the attributes suite's (bench/attribute-operations.ts). */
export type OperationName = 'card' | 'list' | 'search' | 'segment' | 'attribute-sort';

/** One read, as a GraphQL operation and as the best single SQL statement for the same data. */
export type Operation = {
  name: OperationName;
  title: string;
  query: string;
  /** Variables for the next request (rotating). */
  variables: () => Record<string, unknown>;
  sql: string;
  /** Parameters for the next statement (rotating). */
  params: () => unknown[];
};

export function rotation<T>(items: readonly T[]): () => T {
  if (items.length === 0) throw new Error('nothing to rotate through');
  let i = 0;
  return () => items[i++ % items.length] as T;
}

/** Escapes LIKE wildcards as the API does, then wraps the term for a substring match. */
function containsPattern(term: string): string {
  return `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const CARD_QUERY = `query ContactCard($id: ID!) {
  contact(id: $id) {
    id name email phone type avatarUrl lastActivityAt customAttributes
    organization { id name domain }
    labels { id name color }
    conversations(first: 5) { edges { node { id channel status subject lastActivityAt } } }
  }
}`;

const CARD_SQL = `
select c.id, c.name, c.email, c.phone, c.type, c.avatar_url, c.last_activity_at, c.custom_attributes,
  (select json_build_object('id', o.id, 'name', o.name, 'domain', o.domain)
     from organizations o where o.workspace_id = c.workspace_id and o.id = c.organization_id) as organization,
  (select coalesce(json_agg(json_build_object('id', l.id, 'name', l.name, 'color', l.color)
                            order by lower(l.name) collate "C", l.id), '[]')
     from contact_labels cl
     join labels l on l.workspace_id = cl.workspace_id and l.id = cl.label_id
    where cl.workspace_id = c.workspace_id and cl.contact_id = c.id) as labels,
  (select coalesce(json_agg(v), '[]')
     from (select v.id, v.channel, v.status, v.subject, v.last_activity_at
             from conversations v
            where v.workspace_id = c.workspace_id and v.contact_id = c.id
            order by v.last_activity_at desc, v.id desc
            limit 5) v) as conversations
from contacts c
where c.workspace_id = $1 and c.id = $2 and c.deleted_at is null`;

const LIST_QUERY = `query LabelPage($label: ID!) {
  contacts(
    first: 50
    filter: { labels: { any: [$label] } }
    orderBy: [{ field: LAST_ACTIVITY_AT, direction: DESC }]
  ) {
    edges { cursor node { id name email lastActivityAt organization { id name } labels { id name color } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

// 51 rows: the 51st only tells whether there is a next page, as the API's page does.
const LIST_SQL = `
select p.id, p.name, p.email, p.last_activity_at,
  (select json_build_object('id', o.id, 'name', o.name)
     from organizations o where o.workspace_id = p.workspace_id and o.id = p.organization_id) as organization,
  (select coalesce(json_agg(json_build_object('id', l.id, 'name', l.name, 'color', l.color)
                            order by lower(l.name) collate "C", l.id), '[]')
     from contact_labels cl
     join labels l on l.workspace_id = cl.workspace_id and l.id = cl.label_id
    where cl.workspace_id = p.workspace_id and cl.contact_id = p.id) as labels
from (
  select c.id, c.workspace_id, c.name, c.email, c.last_activity_at, c.organization_id
    from contacts c
   where c.workspace_id = $1 and c.deleted_at is null
     and exists (select 1 from contact_labels cl
                  where cl.workspace_id = c.workspace_id and cl.contact_id = c.id and cl.label_id = $2)
   order by (c.last_activity_at is not null) desc,
            coalesce(c.last_activity_at, '-infinity'::timestamptz) desc, c.id desc
   limit 51) p
order by (p.last_activity_at is not null) desc,
         coalesce(p.last_activity_at, '-infinity'::timestamptz) desc, p.id desc`;

const SEARCH_QUERY = `query Search($q: String!) {
  contacts(search: $q, first: 20) {
    edges { node { id name email phone } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const SEARCH_SQL = `
select c.id, c.name, c.email, c.phone
  from contacts c
 where c.workspace_id = $1 and c.deleted_at is null and c.search_text like $2
 order by c.created_at desc, c.id desc
 limit 21`;

export function operations(f: Fixtures): Operation[] {
  const contactId = rotation(f.contactIds);
  const labelId = rotation(f.labelIds);
  const term = rotation(f.terms);
  return [
    {
      name: 'card',
      title: 'contact card',
      query: CARD_QUERY,
      variables: () => ({ id: encodeGlobalId('Contact', contactId()) }),
      sql: CARD_SQL,
      params: () => [f.workspaceId, contactId()],
    },
    {
      name: 'list',
      title: 'list page (label)',
      query: LIST_QUERY,
      variables: () => ({ label: encodeGlobalId('Label', labelId()) }),
      sql: LIST_SQL,
      params: () => [f.workspaceId, labelId()],
    },
    {
      name: 'search',
      title: 'search',
      query: SEARCH_QUERY,
      variables: () => ({ q: term() }),
      sql: SEARCH_SQL,
      params: () => [f.workspaceId, containsPattern(term())],
    },
  ];
}

/** Realistic search box input: parts of first names, last names and emails. */
export const SEARCH_TERMS = ['john', 'smith', 'maria', 'lee', '.miller', 'anders'];
