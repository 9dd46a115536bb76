import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileAttributeIndexes } from '../src/db/attribute-index-maintenance.js';
import { loadAttributeSchema } from '../src/db/attribute-schema.js';
import {
  CONTACTS_TABLE,
  type ContactFilter,
  contactCondition,
  snapshotRow,
} from '../src/db/contact-filter.js';
import { contactKeyset } from '../src/db/contacts.js';
import { orderByClause } from '../src/db/keyset.js';
import type { AttributeDefinition, AttributeType } from '../src/db/schema.js';
import { WorkspaceScope } from '../src/db/scope.js';
import { type GraphQLResponse, startTestServer, type TestServer } from './harness.js';

/**
 * Query by attribute through the API: typed filters per type (operands normalized as writes
 * are, numbers and dates compared as such), refused operators and operands naming their path,
 * sorting by a custom attribute per type with nulls last, keyset paging through such an order,
 * the per-definition indexes following the definition, and isolation between workspaces.
 */

let t: TestServer;

type Json = Record<string, unknown>;
type Edge = { cursor: string; node: { id: string; name: string | null } };
type Connection = {
  edges: Edge[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
};

async function request<T>(query: string, variables: Json = {}, key?: string): Promise<T> {
  const response = (await t.gql(query, variables, { key })) as GraphQLResponse<T>;
  if (response.errors?.length || !response.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
  }
  return response.data;
}

const CONTACTS = `query AttrQueryContacts($filter: ContactFilter, $orderBy: [ContactOrder!],
    $first: Int, $after: String, $last: Int, $before: String) {
  contacts(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { id name } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;

async function page(variables: Json, key?: string): Promise<Connection> {
  return (await request<{ contacts: Connection }>(CONTACTS, variables, key)).contacts;
}

/** Names of the contacts a filter returns, sorted (order-independent expectations). */
async function names(filter: Json, key?: string): Promise<string[]> {
  const result = await page({ filter, first: 100 }, key);
  return result.edges.map((e) => e.node.name ?? '').sort();
}

/** The names of contacts in the order `orderBy` lists them. */
async function ordered(orderBy: Json | Json[], filter?: Json): Promise<string[]> {
  const result = await page({ orderBy, filter, first: 100 });
  return result.edges.map((e) => e.node.name ?? '');
}

/** The BAD_USER_INPUT error a query gets: its message (which starts with the path). */
async function refusal(variables: Json): Promise<string> {
  const response = await t.gql(CONTACTS, variables);
  const error = response.errors?.[0];
  expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
  return error?.message ?? '';
}

async function define(
  key: string,
  type: AttributeType,
  options: string[] | null = null,
  apiKey?: string,
): Promise<string> {
  const data = await request<{
    createAttributeDefinition: { __typename: string; attributeDefinition?: { id: string } };
  }>(
    `mutation AttrQueryDefine($input: CreateAttributeDefinitionInput!) {
      createAttributeDefinition(input: $input) {
        __typename
        ... on CreateAttributeDefinitionSuccess { attributeDefinition { id } }
        ... on Error { message }
      }
    }`,
    { input: { key, name: key, type, options } },
    apiKey,
  );
  const id = data.createAttributeDefinition.attributeDefinition?.id;
  if (!id) throw new Error(`define ${key}: ${JSON.stringify(data.createAttributeDefinition)}`);
  return id;
}

async function definitionMutation(name: string, input: Json): Promise<void> {
  const data = await request<Record<string, { __typename: string }>>(
    `mutation AttrQueryDefinitionChange($input: ${name[0]?.toUpperCase()}${name.slice(1)}Input!) {
      ${name}(input: $input) { __typename ... on Error { message } }
    }`,
    { input },
  );
  expect(data[name]?.__typename, JSON.stringify(data)).toMatch(/Success$/);
}

async function createContact(name: string, customAttributes: Json, key?: string): Promise<string> {
  const data = await request<{
    createContact: { __typename: string; contact?: { id: string } };
  }>(
    `mutation AttrQueryCreate($input: CreateContactInput!) {
      createContact(input: $input) {
        __typename
        ... on CreateContactSuccess { contact { id } }
        ... on Error { message }
      }
    }`,
    { input: { name, customAttributes } },
    key,
  );
  const id = data.createContact.contact?.id;
  if (!id) throw new Error(`create ${name}: ${JSON.stringify(data.createContact)}`);
  return id;
}

/** Index names of one definition (local id) in the test's schema. */
async function indexesOf(globalId: string): Promise<string[]> {
  const local = Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1];
  const { rows } = await sql<{ name: string }>`
    select indexname as name from pg_indexes
    where schemaname = current_schema() and indexname like ${`contacts_attr_${local}\\_%`}
    order by indexname`.execute(t.database.db);
  return rows.map((r) => r.name);
}

const ALL = ['Ann', 'Ben', 'Cid', 'Dee', 'Eve'];
const except = (...names: string[]) => ALL.filter((n) => !names.includes(n));

beforeAll(async () => {
  t = await startTestServer();
  await request(
    `mutation AttrQueryRegion { updateWorkspace(input: { defaultPhoneRegion: "FR" }) { __typename } }`,
  );
  await define('ltv', 'NUMBER');
  await define('signup', 'DATE');
  await define('seen', 'DATETIME');
  await define('vip', 'BOOLEAN');
  await define('plan', 'LIST', ['Free', 'Pro', 'Enterprise']);
  await define('tags', 'MULTI_SELECT', ['red', 'green', 'blue']);
  await define('nick', 'TEXT');
  await define('site', 'URL');
  await define('mail', 'EMAIL');
  await define('mobile', 'PHONE');
  await define('meta', 'JSON');
  await createContact('Ann', {
    ltv: 9,
    signup: '2026-01-05',
    seen: '2026-01-05T08:00:00Z',
    vip: true,
    plan: 'Pro',
    tags: ['red', 'blue'],
    nick: 'Zeta',
    site: 'https://b.example/',
    mail: 'ann@x.com',
    mobile: '+33 6 12 34 56 78',
    meta: { a: 1, b: [1, 2] },
    loose: 'hello',
  });
  await createContact('Ben', {
    ltv: '10',
    signup: '2025-12-31',
    seen: '2026-01-05T09:30:00+02:00',
    vip: false,
    plan: 'free',
    tags: ['green'],
    nick: 'alpha',
    site: 'https://a.example/',
    mail: 'Ben@Y.com',
    meta: [1, 2],
    loose: 12,
  });
  await createContact('Cid', {
    ltv: 100,
    signup: '2026-02-01',
    vip: false,
    plan: 'Enterprise',
    tags: ['blue', 'green', 'red'],
    nick: 'beta',
    mobile: '+14155550100',
    meta: 'x',
  });
  await createContact('Dee', { ltv: -1.5, seen: '2025-06-01T00:00:00Z', nick: 'Alpha2' });
  await createContact('Eve', {});
});
afterAll(() => t?.close());

describe('typed attribute filters', () => {
  it('compare numbers as numbers (9 < 10), with string operands read as numbers', async () => {
    expect(await names({ attributes: [{ key: 'ltv', gt: 9 }] })).toEqual(['Ben', 'Cid']);
    expect(await names({ attributes: [{ key: 'ltv', lt: '10' }] })).toEqual(['Ann', 'Dee']);
    expect(await names({ attributes: [{ key: 'ltv', gte: 9, lte: 10 }] })).toEqual(['Ann', 'Ben']);
    expect(await names({ attributes: [{ key: 'ltv', eq: '10' }] })).toEqual(['Ben']);
    expect(await names({ attributes: [{ key: 'ltv', eq: 10.0 }] })).toEqual(['Ben']);
    expect(await names({ attributes: [{ key: 'ltv', in: [9, '100', 7] }] })).toEqual([
      'Ann',
      'Cid',
    ]);
    expect(await names({ attributes: [{ key: 'ltv', in: [] }] })).toEqual([]);
    expect(await names({ attributes: [{ key: 'ltv', neq: 10 }] })).toEqual(except('Ben'));
    expect(await names({ not: { attributes: [{ key: 'ltv', gt: 9 }] } })).toEqual(
      except('Ben', 'Cid'),
    );
  });

  it('compare dates in time order, operands normalized first', async () => {
    expect(await names({ attributes: [{ key: 'signup', gte: '2026-01-01' }] })).toEqual([
      'Ann',
      'Cid',
    ]);
    // A date-time operand of a DATE keeps the calendar day it was written with.
    expect(
      await names({ attributes: [{ key: 'signup', eq: '2026-01-05T23:30:00-05:00' }] }),
    ).toEqual(['Ann']);
    expect(await names({ attributes: [{ key: 'signup', lt: '2026-01-05' }] })).toEqual(['Ben']);
    expect(await names({ not: { attributes: [{ key: 'signup', lt: '2026-01-05' }] } })).toEqual(
      except('Ben'),
    );
  });

  it('compare date-times as instants, whatever offset they were written in', async () => {
    // Ben's 09:30+02:00 is 07:30Z: before Ann's 08:00Z, though its text sorts after.
    expect(await names({ attributes: [{ key: 'seen', lt: '2026-01-05T08:00:00Z' }] })).toEqual([
      'Ben',
      'Dee',
    ]);
    expect(await names({ attributes: [{ key: 'seen', eq: '2026-01-05T10:00+02:00' }] })).toEqual([
      'Ann',
    ]);
    expect(await names({ attributes: [{ key: 'seen', gt: '2026-01-05' }] })).toEqual([
      'Ann',
      'Ben',
    ]);
  });

  it('match booleans, and neq includes contacts without a value', async () => {
    expect(await names({ attributes: [{ key: 'vip', eq: true }] })).toEqual(['Ann']);
    expect(await names({ attributes: [{ key: 'vip', eq: 'no' }] })).toEqual(['Ben', 'Cid']);
    expect(await names({ attributes: [{ key: 'vip', neq: true }] })).toEqual(except('Ann'));
    expect(await names({ attributes: [{ key: 'vip', in: [true, false] }] })).toEqual([
      'Ann',
      'Ben',
      'Cid',
    ]);
  });

  it('match list options in any case, and text by substring or prefix ignoring case', async () => {
    expect(await names({ attributes: [{ key: 'plan', eq: 'PRO' }] })).toEqual(['Ann']);
    expect(await names({ attributes: [{ key: 'plan', in: ['free', 'enterprise'] }] })).toEqual([
      'Ben',
      'Cid',
    ]);
    expect(await names({ attributes: [{ key: 'plan', startsWith: 'ent' }] })).toEqual(['Cid']);
    expect(await names({ attributes: [{ key: 'plan', contains: 'E' }] })).toEqual(['Ben', 'Cid']);
    // TEXT eq is exact (values are only trimmed); contains/startsWith ignore case.
    expect(await names({ attributes: [{ key: 'nick', eq: 'alpha' }] })).toEqual(['Ben']);
    expect(await names({ attributes: [{ key: 'nick', eq: 'Alpha' }] })).toEqual([]);
    expect(await names({ attributes: [{ key: 'nick', contains: 'LPH' }] })).toEqual(['Ben', 'Dee']);
    expect(await names({ attributes: [{ key: 'nick', startsWith: 'A' }] })).toEqual(['Ben', 'Dee']);
    expect(await names({ attributes: [{ key: 'nick', startsWith: '%' }] })).toEqual([]);
    expect(await names({ not: { attributes: [{ key: 'nick', startsWith: 'a' }] } })).toEqual(
      except('Ben', 'Dee'),
    );
  });

  it('normalize email, URL and phone operands (the workspace region reads national numbers)', async () => {
    expect(await names({ attributes: [{ key: 'mail', eq: ' BEN@y.COM ' }] })).toEqual(['Ben']);
    expect(await names({ attributes: [{ key: 'mail', startsWith: 'ANN@' }] })).toEqual(['Ann']);
    expect(await names({ attributes: [{ key: 'site', eq: 'HTTPS://A.example' }] })).toEqual([
      'Ben',
    ]);
    expect(await names({ attributes: [{ key: 'mobile', eq: '06 12 34 56 78' }] })).toEqual(['Ann']);
    expect(await names({ attributes: [{ key: 'mobile', startsWith: '+1' }] })).toEqual(['Cid']);
  });

  it('test multi-select options: any, all, none, contains, and eq the exact set', async () => {
    expect(await names({ attributes: [{ key: 'tags', any: ['RED', 'green'] }] })).toEqual([
      'Ann',
      'Ben',
      'Cid',
    ]);
    expect(await names({ attributes: [{ key: 'tags', any: [] }] })).toEqual([]);
    expect(await names({ attributes: [{ key: 'tags', all: ['red', 'green'] }] })).toEqual(['Cid']);
    expect(await names({ attributes: [{ key: 'tags', all: [] }] })).toEqual(ALL);
    expect(await names({ attributes: [{ key: 'tags', none: ['red'] }] })).toEqual(
      except('Ann', 'Cid'),
    );
    expect(await names({ attributes: [{ key: 'tags', contains: 'blue' }] })).toEqual([
      'Ann',
      'Cid',
    ]);
    expect(await names({ attributes: [{ key: 'tags', eq: ['blue', 'red'] }] })).toEqual(['Ann']);
    expect(await names({ attributes: [{ key: 'tags', eq: 'green' }] })).toEqual(['Ben']);
    expect(await names({ attributes: [{ key: 'tags', neq: ['red', 'blue'] }] })).toEqual(
      except('Ann'),
    );
    expect(await names({ not: { attributes: [{ key: 'tags', any: ['red'] }] } })).toEqual(
      await names({ attributes: [{ key: 'tags', none: ['red'] }] }),
    );
  });

  it('compare JSON attributes as JSON: eq exact, contains by @>', async () => {
    expect(await names({ attributes: [{ key: 'meta', eq: { b: [1, 2], a: 1 } }] })).toEqual([
      'Ann',
    ]);
    expect(await names({ attributes: [{ key: 'meta', eq: { a: 1 } }] })).toEqual([]);
    expect(await names({ attributes: [{ key: 'meta', contains: { b: [2] } }] })).toEqual(['Ann']);
    expect(await names({ attributes: [{ key: 'meta', contains: 2 }] })).toEqual(['Ben']);
    expect(await names({ attributes: [{ key: 'meta', contains: 'x' }] })).toEqual(['Cid']);
    expect(await names({ attributes: [{ key: 'meta', neq: 'x' }] })).toEqual(except('Cid'));
  });

  it('test presence for every type, exists: false being its exact complement', async () => {
    for (const [key, present] of [
      ['ltv', ['Ann', 'Ben', 'Cid', 'Dee']],
      ['seen', ['Ann', 'Ben', 'Dee']],
      ['mobile', ['Ann', 'Cid']],
      ['tags', ['Ann', 'Ben', 'Cid']],
      ['meta', ['Ann', 'Ben', 'Cid']],
    ] as const) {
      expect(await names({ attributes: [{ key, exists: true }] })).toEqual(present);
      expect(await names({ attributes: [{ key, exists: false }] })).toEqual(except(...present));
    }
  });

  it('keep comparing keys without a definition as JSON', async () => {
    expect(await names({ attributes: [{ key: 'loose', eq: 'hello' }] })).toEqual(['Ann']);
    expect(await names({ attributes: [{ key: 'loose', gt: 11 }] })).toEqual(['Ben']);
    expect(await names({ attributes: [{ key: 'loose', startsWith: 'HEL' }] })).toEqual(['Ann']);
    expect(await names({ attributes: [{ key: 'loose', gt: '2' }] })).toEqual(['Ann']);
  });

  it('combine with and/or/not', async () => {
    const filter = {
      or: [
        { attributes: [{ key: 'ltv', gte: 100 }] },
        {
          attributes: [
            { key: 'vip', eq: true },
            { key: 'plan', eq: 'pro' },
          ],
        },
      ],
    };
    expect(await names(filter)).toEqual(['Ann', 'Cid']);
    expect(await names({ not: filter })).toEqual(except('Ann', 'Cid'));
  });
});

describe('refused attribute filters', () => {
  it('name the path of an operator the type does not take', async () => {
    const cases: [Json, string][] = [
      [{ attributes: [{ key: 'nick', gt: 'a' }] }, 'filter.attributes[0].gt'],
      [{ attributes: [{ key: 'vip', contains: 'x' }] }, 'filter.attributes[0].contains'],
      [{ attributes: [{ key: 'ltv', any: [1] }] }, 'filter.attributes[0].any'],
      [{ attributes: [{ key: 'tags', gt: 'red' }] }, 'filter.attributes[0].gt'],
      [{ attributes: [{ key: 'tags', in: ['red'] }] }, 'filter.attributes[0].in'],
      [{ attributes: [{ key: 'meta', startsWith: 'a' }] }, 'filter.attributes[0].startsWith'],
      [{ attributes: [{ key: 'signup', contains: '2026' }] }, 'filter.attributes[0].contains'],
      [
        {
          and: [
            { blocked: false },
            {
              attributes: [
                { key: 'ltv', exists: true },
                { key: 'ltv', contains: 1 },
              ],
            },
          ],
        },
        'filter.and[1].attributes[1].contains',
      ],
      [
        { not: { or: [{ attributes: [{ key: 'plan', lt: 'Pro' }] }] } },
        'filter.not.or[0].attributes[0].lt',
      ],
    ];
    for (const [filter, path] of cases) {
      const message = await refusal({ filter });
      expect(message, JSON.stringify(filter)).toMatch(
        new RegExp(`^${path.replace(/[.[\]]/g, '\\$&')}: `),
      );
      expect(message).toMatch(/does not apply to [A-Z_]+ attributes/);
    }
  });

  it('name the path of an operand that does not normalize', async () => {
    const cases: [Json, string, RegExp][] = [
      [{ attributes: [{ key: 'ltv', gt: 'ten' }] }, 'filter.attributes[0].gt', /number/],
      [{ attributes: [{ key: 'signup', gt: '2026-1-5' }] }, 'filter.attributes[0].gt', /date/],
      [{ attributes: [{ key: 'seen', lt: 'soon' }] }, 'filter.attributes[0].lt', /date-time/],
      [{ attributes: [{ key: 'plan', eq: 'Gold' }] }, 'filter.attributes[0].eq', /one of/],
      [
        { attributes: [{ key: 'plan', in: ['Pro', 'Gold'] }] },
        'filter.attributes[0].in[1]',
        /one of/,
      ],
      [
        { attributes: [{ key: 'tags', any: ['red', 'pink'] }] },
        'filter.attributes[0].any[1]',
        /list of/,
      ],
      [{ attributes: [{ key: 'vip', eq: 'maybe' }] }, 'filter.attributes[0].eq', /true or false/],
      [{ attributes: [{ key: 'mail', eq: 'nope' }] }, 'filter.attributes[0].eq', /email/],
      [{ attributes: [{ key: 'ltv', eq: '' }] }, 'filter.attributes[0].eq', /exists: false/],
      [{ attributes: [{ key: 'nick', contains: 5 }] }, 'filter.attributes[0].contains', /string/],
    ];
    for (const [filter, path, why] of cases) {
      const message = await refusal({ filter });
      expect(message.startsWith(`${path}: `), message).toBe(true);
      expect(message).toMatch(why);
    }
  });

  it('name the path under a bulk action selection', async () => {
    const response = await t.gql(
      `mutation AttrQueryBulk($input: DeleteContactsInput!) {
        deleteContacts(input: $input) { __typename }
      }`,
      {
        input: {
          selection: {
            filter: { name: { eq: 'nobody' }, attributes: [{ key: 'ltv', startsWith: '1' }] },
          },
        },
      },
    );
    const message = response.errors?.[0]?.message ?? JSON.stringify(response);
    expect(message).toMatch(/^selection\.filter\.attributes\[0\]\.startsWith: /);
  });
});

describe('archived definitions in filters', () => {
  it('see no value (values moved out) and are not refused', async () => {
    const id = await define('legacy', 'NUMBER');
    await createContact('Old', { legacy: 5 });
    expect(await names({ attributes: [{ key: 'legacy', eq: 5 }] })).toEqual(['Old']);
    await definitionMutation('archiveAttributeDefinition', { id });
    expect(await names({ attributes: [{ key: 'legacy', eq: 5 }] })).toEqual([]);
    expect(await names({ attributes: [{ key: 'legacy', exists: true }] })).toEqual([]);
    const sorted = await refusal({
      orderBy: [{ field: 'CUSTOM_ATTRIBUTE', direction: 'ASC', attributeKey: 'legacy' }],
    });
    expect(sorted).toMatch(/^orderBy\[0\]\.attributeKey: .*archived/);
    await definitionMutation('restoreAttributeDefinition', { id });
    expect(await names({ attributes: [{ key: 'legacy', gte: 5 }] })).toEqual(['Old']);
    await request(
      `mutation AttrQueryDeleteOld($input: DeleteContactInput!) { deleteContact(input: $input) { __typename } }`,
      { input: { id: (await page({ filter: { name: { eq: 'Old' } } })).edges[0]?.node.id } },
    );
  });
});

describe('typed filters over an event snapshot', () => {
  it('hold the same as over the contacts table', async () => {
    const definitions = new Map<string, Partial<AttributeDefinition>>([
      ['ltv', { key: 'ltv', type: 'NUMBER' }],
      ['seen', { key: 'seen', type: 'DATETIME' }],
    ]);
    const filter = {
      attributes: [
        { key: 'ltv', gt: 9, definition: definitions.get('ltv') as AttributeDefinition },
        {
          key: 'seen',
          lt: '2026-01-05T08:00:00Z',
          definition: definitions.get('seen') as AttributeDefinition,
        },
      ],
    };
    const snapshot = (attrs: Json) =>
      sql<{ hit: boolean }>`select ${contactCondition(filter, snapshotRow('s.j'))} as hit
        from (select cast(${JSON.stringify({ customAttributes: attrs })} as jsonb) as j) s`;
    const hit = async (attrs: Json) => (await snapshot(attrs).execute(t.database.db)).rows[0]?.hit;
    expect(await hit({ ltv: 10, seen: '2026-01-05T07:30:00.000Z' })).toBe(true);
    expect(await hit({ ltv: 9, seen: '2026-01-05T07:30:00.000Z' })).toBe(false);
    expect(await hit({})).toBe(false);
    expect(CONTACTS_TABLE.customAttributes).toBe('contacts.custom_attributes');
  });
});

describe('ordering by a custom attribute', () => {
  const by = (attributeKey: string, direction: 'ASC' | 'DESC') => ({
    field: 'CUSTOM_ATTRIBUTE',
    direction,
    attributeKey,
  });

  it('sorts numbers numerically, nulls last both ways (ties by id)', async () => {
    expect(await ordered(by('ltv', 'ASC'))).toEqual(['Dee', 'Ann', 'Ben', 'Cid', 'Eve']);
    expect(await ordered(by('ltv', 'DESC'))).toEqual(['Cid', 'Ben', 'Ann', 'Dee', 'Eve']);
  });

  it('sorts dates and date-times chronologically', async () => {
    expect(await ordered(by('signup', 'ASC'))).toEqual(['Ben', 'Ann', 'Cid', 'Dee', 'Eve']);
    expect(await ordered(by('signup', 'DESC'))).toEqual(['Cid', 'Ann', 'Ben', 'Eve', 'Dee']);
    expect(await ordered(by('seen', 'ASC'))).toEqual(['Dee', 'Ben', 'Ann', 'Cid', 'Eve']);
    expect(await ordered(by('seen', 'DESC'))).toEqual(['Ann', 'Ben', 'Dee', 'Eve', 'Cid']);
  });

  it('sorts TEXT, LIST and URL ignoring case; EMAIL and PHONE as stored', async () => {
    expect(await ordered(by('nick', 'ASC'))).toEqual(['Ben', 'Dee', 'Cid', 'Ann', 'Eve']);
    expect(await ordered(by('nick', 'DESC'))).toEqual(['Ann', 'Cid', 'Dee', 'Ben', 'Eve']);
    expect(await ordered(by('plan', 'ASC'))).toEqual(['Cid', 'Ben', 'Ann', 'Dee', 'Eve']);
    expect(await ordered(by('site', 'ASC'))).toEqual(['Ben', 'Ann', 'Cid', 'Dee', 'Eve']);
    expect(await ordered(by('mail', 'DESC'))).toEqual(['Ben', 'Ann', 'Eve', 'Dee', 'Cid']);
    expect(await ordered(by('mobile', 'ASC'))).toEqual(['Cid', 'Ann', 'Ben', 'Dee', 'Eve']);
  });

  it('sorts booleans false before true', async () => {
    expect(await ordered(by('vip', 'ASC'))).toEqual(['Ben', 'Cid', 'Ann', 'Dee', 'Eve']);
    expect(await ordered(by('vip', 'DESC'))).toEqual(['Ann', 'Cid', 'Ben', 'Eve', 'Dee']);
  });

  it('pages through the order of every type with cursors, both ways', async () => {
    for (const key of ['vip', 'signup', 'seen', 'nick', 'plan', 'mail', 'mobile', 'ltv']) {
      for (const direction of ['ASC', 'DESC'] as const) {
        const orderBy = by(key, direction);
        const all = await ordered(orderBy);
        const forward: string[] = [];
        let after: string | null = null;
        do {
          const result: Connection = await page({ orderBy, first: 2, after });
          forward.push(...result.edges.map((e) => e.node.name ?? ''));
          after = result.pageInfo.hasNextPage ? result.pageInfo.endCursor : null;
        } while (after);
        expect(forward, `${key} ${direction}`).toEqual(all);
        const backward: string[] = [];
        let before: string | null = null;
        do {
          const result: Connection = await page({ orderBy, last: 2, before });
          backward.unshift(...result.edges.map((e) => e.node.name ?? ''));
          before = result.pageInfo.hasPreviousPage ? (result.edges[0]?.cursor ?? null) : null;
        } while (before);
        expect(backward, `${key} ${direction}`).toEqual(all);
      }
    }
  });

  it('combines with other keys and with filters', async () => {
    expect(
      await ordered([by('vip', 'ASC'), { field: 'NAME', direction: 'DESC' }], {
        attributes: [{ key: 'ltv', exists: true }],
      }),
    ).toEqual(['Cid', 'Ben', 'Ann', 'Dee']);
  });

  it('refuses a missing, unknown, archived or unsortable attribute, naming the path', async () => {
    const cases: [Json[], RegExp][] = [
      [
        [{ field: 'CUSTOM_ATTRIBUTE', direction: 'ASC' }],
        /^orderBy\[0\]\.attributeKey: is required/,
      ],
      [
        [{ field: 'NAME', direction: 'ASC' }, by('nope', 'ASC')],
        /^orderBy\[1\]\.attributeKey: no attribute definition/,
      ],
      [
        [by('tags', 'ASC')],
        /^orderBy\[0\]\.attributeKey: MULTI_SELECT attributes cannot be sorted/,
      ],
      [[by('meta', 'DESC')], /^orderBy\[0\]\.attributeKey: JSON attributes cannot be sorted/],
      [
        [{ field: 'NAME', direction: 'ASC', attributeKey: 'ltv' }],
        /^orderBy\[0\]\.attributeKey: is only for CUSTOM_ATTRIBUTE/,
      ],
    ];
    for (const [orderBy, message] of cases) {
      expect(await refusal({ orderBy, first: 5 })).toMatch(message);
    }
  });
});

describe('keyset paging through an attribute order', () => {
  const rankOrder = (direction: 'ASC' | 'DESC') => [
    { field: 'CUSTOM_ATTRIBUTE', direction, attributeKey: 'rank' },
  ];
  const filter = { attributes: [{ key: 'batch', eq: 'paging' }] };

  async function walkForward(
    direction: 'ASC' | 'DESC',
    size: number,
    between?: () => Promise<void>,
  ) {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 50; i++) {
      const result: Connection = await page({
        filter,
        orderBy: rankOrder(direction),
        first: size,
        after,
      });
      seen.push(...result.edges.map((e) => e.node.name ?? ''));
      if (i === 0) await between?.();
      if (!result.pageInfo.hasNextPage) return seen;
      after = result.pageInfo.endCursor;
    }
    throw new Error('did not end');
  }

  async function walkBackward(direction: 'ASC' | 'DESC', size: number) {
    const seen: string[] = [];
    let before: string | null = null;
    for (let i = 0; i < 50; i++) {
      const result: Connection = await page({
        filter,
        orderBy: rankOrder(direction),
        last: size,
        before,
      });
      seen.unshift(...result.edges.map((e) => e.node.name ?? ''));
      if (!result.pageInfo.hasPreviousPage) return seen;
      before = result.edges[0]?.cursor ?? null;
    }
    throw new Error('did not end');
  }

  beforeAll(async () => {
    await define('rank', 'NUMBER');
    await define('batch', 'TEXT');
    // 23 contacts: ranks with ties (i mod 7, so 3 or 4 per value) and every fifth without one.
    for (let i = 0; i < 23; i++) {
      await createContact(`p${String(i).padStart(2, '0')}`, {
        batch: 'paging',
        ...(i % 5 === 4 ? {} : { rank: (i % 7) * 1.5 }),
      });
    }
  });

  it('visits every contact once, in order, forwards and backwards', async () => {
    for (const direction of ['ASC', 'DESC'] as const) {
      const all = (await page({ filter, orderBy: rankOrder(direction), first: 100 })).edges.map(
        (e) => e.node.name ?? '',
      );
      expect(all).toHaveLength(23);
      // Nulls last in both directions.
      expect(all.slice(-4).sort()).toEqual(['p04', 'p09', 'p14', 'p19']);
      for (const size of [1, 4, 7]) {
        expect(await walkForward(direction, size)).toEqual(all);
        expect(await walkBackward(direction, size)).toEqual(all);
      }
    }
  });

  it('stays stable while contacts are inserted on both sides of the cursor', async () => {
    const before = (await page({ filter, orderBy: rankOrder('ASC'), first: 100 })).edges.map(
      (e) => e.node.name ?? '',
    );
    const walked = await walkForward('ASC', 5, async () => {
      await createContact('n-low', { batch: 'paging', rank: -1 });
      await createContact('n-high', { batch: 'paging', rank: 1000 });
      await createContact('n-null', { batch: 'paging' });
    });
    expect(new Set(walked).size).toBe(walked.length);
    // Everything that existed is seen once; of the new ones only those after the cursor.
    expect(walked.filter((n) => !n.startsWith('n-'))).toEqual(before);
    expect(walked.filter((n) => n.startsWith('n-')).sort()).toEqual(['n-high', 'n-null']);
  });

  it('refuses a cursor made for another order', async () => {
    const first = await page({ filter, orderBy: rankOrder('ASC'), first: 2 });
    const after = first.pageInfo.endCursor;
    const other = [{ field: 'CUSTOM_ATTRIBUTE', direction: 'ASC', attributeKey: 'ltv' }];
    expect(await refusal({ orderBy: other, first: 2, after })).toMatch(
      /^after: was made for a different orderBy/,
    );
    expect(await refusal({ orderBy: rankOrder('DESC'), first: 2, after })).toMatch(
      /different orderBy/,
    );
    expect(
      await refusal({ orderBy: [{ field: 'NAME', direction: 'ASC' }], first: 2, after }),
    ).toMatch(/different orderBy/);
    // A forged cursor of the right order with a value numeric cannot read: refused, not a crash.
    const forged = Buffer.from(
      JSON.stringify(['CUSTOM_ATTRIBUTE(rank:NUMBER):ASC', false, '1e5', '1']),
    ).toString('base64url');
    expect(await refusal({ orderBy: rankOrder('ASC'), first: 2, after: forged })).toMatch(
      /^after: is not a valid cursor/,
    );
  });

  it('costs few statements for a filtered, sorted page of 50', async () => {
    const query = `query AttrQueryPage($filter: ContactFilter, $orderBy: [ContactOrder!]) {
      contacts(first: 50, filter: $filter, orderBy: $orderBy) {
        edges { cursor node { id name customAttributes } }
      }
    }`;
    const statements = await t.countStatements(() =>
      request(query, {
        filter: {
          attributes: [
            { key: 'batch', eq: 'paging' },
            { key: 'rank', gte: 0 },
          ],
        },
        orderBy: rankOrder('DESC'),
      }),
    );
    // The key's lookup, the attribute schema (filter and order share it), the page.
    expect(statements).toBeLessThanOrEqual(3);
  });
});

describe('per-definition indexes', () => {
  it('are created with a sortable definition, replaced on a type change, dropped on archive', async () => {
    const id = await define('score', 'TEXT');
    expect(await indexesOf(id)).toEqual([
      expect.stringMatching(/_text_asc$/),
      expect.stringMatching(/_text_desc$/),
    ]);
    await definitionMutation('updateAttributeDefinition', { id, type: 'NUMBER' });
    expect(await indexesOf(id)).toEqual([
      expect.stringMatching(/_number_asc$/),
      expect.stringMatching(/_number_desc$/),
    ]);
    await definitionMutation('archiveAttributeDefinition', { id });
    expect(await indexesOf(id)).toEqual([]);
    await definitionMutation('restoreAttributeDefinition', { id });
    expect(await indexesOf(id)).toHaveLength(2);
    expect(await indexesOf(await define('blob', 'JSON'))).toEqual([]);
    expect(await indexesOf(await define('picks', 'MULTI_SELECT', ['x', 'y']))).toEqual([]);
  });

  it('are repaired at startup: missing ones built, orphans (a deleted workspace) dropped', async () => {
    const id = await define('mended', 'NUMBER');
    const [asc] = await indexesOf(id);
    await sql.raw(`drop index ${asc}`).execute(t.database.db);
    await sql
      .raw('create index contacts_attr_999999_number_asc on contacts (id) where workspace_id = 0')
      .execute(t.database.db);
    const { created, dropped } = await reconcileAttributeIndexes(t.database.db);
    expect(created).toEqual([asc]);
    expect(dropped).toEqual(['contacts_attr_999999_number_asc']);
    expect(await indexesOf(id)).toHaveLength(2);
    expect(await reconcileAttributeIndexes(t.database.db)).toEqual({ created: [], dropped: [] });
  });

  it('serve the filter and the sort as the API compiles them', async () => {
    const scope = new WorkspaceScope(t.database.db, t.a.id);
    const definition = (await loadAttributeSchema(scope)).byKey.get('rank');
    const plan = async (filter: ContactFilter, direction: 'ASC' | 'DESC' | null) => {
      let q = scope
        .selectFrom('contacts')
        .select('contacts.id')
        .where('contacts.deletedAt', 'is', null)
        .where(contactCondition(filter));
      if (direction) {
        const keyset = contactKeyset([
          { field: 'CUSTOM_ATTRIBUTE', direction, attribute: { key: 'rank', type: 'NUMBER' } },
        ]);
        q = q.orderBy(orderByClause(keyset, false));
      }
      // A handful of rows: forbid sequential scans so the plan shows which index fits.
      return t.database.db.transaction().execute(async (tx) => {
        await sql`set local enable_seqscan = off`.execute(tx);
        const { rows } = await sql<{ 'QUERY PLAN': string }>`explain ${q.limit(5)}`.execute(tx);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
    };
    const range = { attributes: [{ key: 'rank', gt: 3, definition }] };
    expect(await plan(range, null)).toMatch(
      /Index Cond: .*contacts_attr_\d+_number_desc|contacts_attr_\d+_number_desc/,
    );
    expect(await plan({}, 'ASC')).toMatch(/Index Scan using contacts_attr_\d+_number_asc/);
    expect(await plan({}, 'DESC')).toMatch(
      /Index Scan Backward using contacts_attr_\d+_number_desc/,
    );
    expect(await plan(range, 'DESC')).toMatch(/contacts_attr_\d+_number_desc/);
  });
});

describe('workspace isolation', () => {
  it("types a filter with the caller's definitions only", async () => {
    // Workspace B defines `bonly` as a NUMBER; in A the key is untyped (strings compare as strings).
    await define('bonly', 'NUMBER', null, t.b.keys.admin);
    await createContact('Iso9', { bonly: '9' });
    await createContact('Iso10', { bonly: '10' });
    expect(await names({ attributes: [{ key: 'bonly', gt: '9' }] })).toEqual([]);
    expect(await names({ attributes: [{ key: 'bonly', lt: '9' }] })).toEqual(['Iso10']);
    expect(
      await refusal({
        orderBy: [{ field: 'CUSTOM_ATTRIBUTE', direction: 'ASC', attributeKey: 'bonly' }],
      }),
    ).toMatch(/no attribute definition/);
    // A's contacts are not B's: B's typed filter sees none of them.
    await createContact('B1', { bonly: 9 }, t.b.keys.admin);
    expect(await names({ attributes: [{ key: 'bonly', gte: 0 }] }, t.b.keys.admin)).toEqual(['B1']);
  });
});
