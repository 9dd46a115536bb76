import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject, NewContact } from '../src/db/schema.js';
import { encodeGlobalId } from '../src/global-id.js';
import type {
  ContactFilter,
  ContactOrder,
  ContactOrderField,
  ConversationStatus,
  OrderDirection,
  PagingTestListsForNodesQuery,
} from './gql/graphql.js';
import { graphql } from './gql/index.js';
import { dataOf, type GraphQLResponse, startTestServer, type TestServer } from './harness.js';

/**
 * Sorting and keyset paging of contact lists (top level and nested), conversations of a
 * contact, and node round trips. Rows are inserted by hand with known values, ties and nulls,
 * and every expected order is computed here with a plain JS sort.
 */

let t: TestServer;

/** One contact as the test knows it: local id plus the sortable values. */
type Row = {
  id: string;
  globalId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  externalId: string | null;
  createdAt: string;
  updatedAt: string;
  lastActivityAt: string | null;
  organization: number | null;
  labels: number[];
};

type Order = { field: ContactOrderField; direction: OrderDirection };

// Names with case variants (ties once lower-cased), punctuation and spaces (byte order, not
// dictionary order), an empty name (a value, not a null) and nulls.
const NAMES = [
  'anna',
  'Anna',
  'ANNA',
  'a c',
  'ab',
  'Ab',
  null,
  'zed',
  'Zed',
  '',
  'b-2',
  'b 1',
  'b1',
  null,
  'mike',
  'Mike O',
  '_x',
  '~tilde',
  'Bob',
];

const COUNT = 45;
const BASE = Date.parse('2024-03-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** Deterministic pseudo-random numbers (mulberry32), so emails do not follow id order. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function contactValues(i: number, next: () => number) {
  const word = (n: number) =>
    Array.from(
      { length: n },
      () => 'abcdefghijklmnopqrstuvwxyz0123456789._+-'[Math.floor(next() * 40)],
    ).join('');
  return {
    name: NAMES[i % NAMES.length] ?? null,
    email: i % 4 === 3 ? null : `${word(1 + (i % 5))}${i}@${i % 2 ? 'ex.com' : 'ab.org'}`,
    phone:
      i % 3 === 2
        ? null
        : `+${i % 2 ? '1415555' : '4420718'}${String((i * 37) % 100).padStart(4, '0')}`,
    externalId: i % 5 === 4 ? null : `${i % 2 ? 'A' : 'a'}-${(i * 13) % 50}`,
    createdAt: iso(BASE + (i % 15) * 60_000),
    updatedAt: iso(BASE + ((i * 7) % 10) * 3_600_000 + (i % 4 === 0 ? 500 : 0)),
    lastActivityAt: i % 3 === 1 ? null : iso(BASE + ((i * 11) % 13) * 86_400_000),
    organization: i % 3 === 0 ? 0 : i % 3 === 1 ? 1 : null,
    labels: [...(i % 2 === 0 ? [0] : []), ...(i % 5 === 0 ? [1] : [])],
  };
}

type ContactInput = Omit<NewContact, 'workspaceId' | 'customAttributes'> & {
  customAttributes?: JsonObject;
};

async function insertContact(workspaceId: string, values: ContactInput): Promise<string> {
  const { customAttributes = {}, ...columns } = values;
  const row = await t.database.db
    .insertInto('contacts')
    .values({ ...columns, workspaceId, customAttributes: JSON.stringify(customAttributes) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const rows: Row[] = [];
const organizationIds: string[] = [];
const organizationGlobalIds: string[] = [];
const labelIds: string[] = [];
const labelGlobalIds: string[] = [];
const rowByGlobalId = new Map<string, Row>();

async function insertFixture(workspaceId: string) {
  const db = t.database.db;
  for (const name of ['Acme', 'Globex', 'Initech']) {
    const row = await db
      .insertInto('organizations')
      .values({ workspaceId, name, domain: `${name.toLowerCase()}.com` })
      .returning('id')
      .executeTakeFirstOrThrow();
    organizationIds.push(row.id);
    organizationGlobalIds.push(encodeGlobalId('Organization', row.id));
  }
  for (const name of ['red', 'green', 'blue']) {
    const row = await db
      .insertInto('labels')
      .values({ workspaceId, name })
      .returning('id')
      .executeTakeFirstOrThrow();
    labelIds.push(row.id);
    labelGlobalIds.push(encodeGlobalId('Label', row.id));
  }
  const next = random(42);
  for (let i = 0; i < COUNT; i++) {
    const v = contactValues(i, next);
    const id = await insertContact(workspaceId, {
      name: v.name,
      email: v.email,
      phone: v.phone,
      externalId: v.externalId,
      createdAt: v.createdAt,
      updatedAt: v.updatedAt,
      lastActivityAt: v.lastActivityAt,
      organizationId: v.organization === null ? null : organizationIds[v.organization],
    });
    for (const label of v.labels) {
      await db
        .insertInto('contactLabels')
        .values({ workspaceId, contactId: id, labelId: labelIds[label] as string })
        .execute();
    }
    const row = { ...v, id, globalId: encodeGlobalId('Contact', id) };
    rows.push(row);
    rowByGlobalId.set(row.globalId, row);
  }
  // Soft-deleted contacts sort among the others but must never show up.
  for (const name of ['aaa deleted', 'zzz deleted']) {
    const id = await insertContact(workspaceId, {
      name,
      email: `${name.replace(' ', '.')}@ab.org`,
      createdAt: iso(BASE + 5 * 60_000),
      organizationId: organizationIds[0],
      deletedAt: iso(BASE),
    });
    await db
      .insertInto('contactLabels')
      .values({ workspaceId, contactId: id, labelId: labelIds[0] as string })
      .execute();
  }
}

beforeAll(async () => {
  t = await startTestServer();
  await insertFixture(t.a.id);
});
afterAll(() => t?.close());

/** The sort value of a row for one field; null sorts last in both directions. */
function sortValue(row: Row, field: ContactOrderField): string | number | null {
  switch (field) {
    case 'NAME':
      return row.name === null ? null : row.name.toLowerCase();
    case 'EMAIL':
      return row.email;
    case 'PHONE':
      return row.phone;
    case 'EXTERNAL_ID':
      return row.externalId;
    case 'CREATED_AT':
      return Date.parse(row.createdAt);
    case 'UPDATED_AT':
      return Date.parse(row.updatedAt);
    case 'LAST_ACTIVITY_AT':
      return row.lastActivityAt === null ? null : Date.parse(row.lastActivityAt);
    case 'CUSTOM_ATTRIBUTE':
      // Sorting by attributes is covered by attributes.query.test.ts.
      throw new Error('not a built-in field');
  }
}

/**
 * The documented order, computed independently: each key in turn (strings by code unit, which
 * is byte order for ASCII), nulls last in both directions, then id in the last key's direction.
 */
function expectedOrder(list: readonly Row[], order: readonly Order[]): string[] {
  const effective: readonly Order[] = order.length
    ? order
    : [{ field: 'CREATED_AT', direction: 'DESC' }];
  const compare = (a: Row, b: Row): number => {
    for (const { field, direction } of effective) {
      const x = sortValue(a, field);
      const y = sortValue(b, field);
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const c = x < y ? -1 : 1;
      return direction === 'ASC' ? c : -c;
    }
    const c = BigInt(a.id) < BigInt(b.id) ? -1 : 1;
    return effective.at(-1)?.direction === 'DESC' ? -c : c;
  };
  return [...list].sort(compare).map((r) => r.globalId);
}

const ContactsPage = graphql(`
  query PagingTestContacts(
    $first: Int
    $after: String
    $last: Int
    $before: String
    $orderBy: [ContactOrder!]
    $filter: ContactFilter
    $search: String
  ) {
    contacts(
      first: $first
      after: $after
      last: $last
      before: $before
      orderBy: $orderBy
      filter: $filter
      search: $search
    ) {
      totalCount
      edges { cursor node { id } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`);

type PageArgs = { first?: number; after?: string | null; last?: number; before?: string | null };
type Connection = {
  totalCount: number;
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor?: string | null;
    endCursor?: string | null;
  };
};
type Fetch = (args: PageArgs) => Promise<Connection>;

function expectConsistentPageInfo(page: Connection) {
  expect(page.pageInfo.startCursor ?? null).toBe(page.edges[0]?.cursor ?? null);
  expect(page.pageInfo.endCursor ?? null).toBe(page.edges.at(-1)?.cursor ?? null);
}

/** Every id, page by page from the start with `first`/`after`, checking each page's info. */
async function walkForward(fetch: Fetch, size: number): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await fetch({ first: size, after });
    expectConsistentPageInfo(page);
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    ids.push(...page.edges.map((e) => e.node.id));
    if (!page.pageInfo.hasNextPage) return ids;
    expect(page.edges).toHaveLength(size);
    after = page.pageInfo.endCursor ?? null;
    if (ids.length > 1000) throw new Error('paging does not end');
  }
}

/** Every id, page by page from the end with `last`/`before`, returned in list order. */
async function walkBackward(fetch: Fetch, size: number): Promise<string[]> {
  const pages: string[][] = [];
  let before: string | null = null;
  for (;;) {
    const page = await fetch({ last: size, before });
    expectConsistentPageInfo(page);
    expect(page.pageInfo.hasNextPage).toBe(before !== null);
    pages.unshift(page.edges.map((e) => e.node.id));
    if (!page.pageInfo.hasPreviousPage) return pages.flat();
    expect(page.edges).toHaveLength(size);
    before = page.pageInfo.startCursor ?? null;
    if (pages.length > 1000) throw new Error('paging does not end');
  }
}

function contactsFetch(
  vars: { orderBy?: Order[]; filter?: ContactFilter; search?: string } = {},
  key?: string,
): Fetch {
  return async (args) => dataOf(await t.gql(ContactsPage, { ...vars, ...args }, { key })).contacts;
}

const ids = (page: { edges: { node: { id: string } }[] }) => page.edges.map((e) => e.node.id);

function expectBadInput(response: GraphQLResponse<unknown>, argument: string, message?: RegExp) {
  expect(response.errors?.length).toBeGreaterThan(0);
  const error = response.errors?.[0];
  expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(error?.extensions?.argument).toBe(argument);
  if (message) expect(error?.message).toMatch(message);
  expect(response.data ?? null).toBeNull();
}

const FIELDS: ContactOrderField[] = [
  'NAME',
  'EMAIL',
  'PHONE',
  'EXTERNAL_ID',
  'CREATED_AT',
  'UPDATED_AT',
  'LAST_ACTIVITY_AT',
];
const SINGLE_ORDERS = FIELDS.flatMap((field) =>
  (['ASC', 'DESC'] as const).map((direction) => ({
    title: `${field} ${direction}`,
    orderBy: [{ field, direction }],
  })),
);
const MULTI_ORDERS: { title: string; orderBy: Order[] }[] = [
  {
    title: 'NAME ASC, CREATED_AT DESC',
    orderBy: [
      { field: 'NAME', direction: 'ASC' },
      { field: 'CREATED_AT', direction: 'DESC' },
    ],
  },
  {
    title: 'LAST_ACTIVITY_AT DESC, EMAIL ASC',
    orderBy: [
      { field: 'LAST_ACTIVITY_AT', direction: 'DESC' },
      { field: 'EMAIL', direction: 'ASC' },
    ],
  },
  {
    title: 'UPDATED_AT ASC, NAME DESC, PHONE ASC',
    orderBy: [
      { field: 'UPDATED_AT', direction: 'ASC' },
      { field: 'NAME', direction: 'DESC' },
      { field: 'PHONE', direction: 'ASC' },
    ],
  },
  {
    title: 'CREATED_AT ASC, LAST_ACTIVITY_AT DESC',
    orderBy: [
      { field: 'CREATED_AT', direction: 'ASC' },
      { field: 'LAST_ACTIVITY_AT', direction: 'DESC' },
    ],
  },
  {
    title: 'NAME DESC, EXTERNAL_ID DESC',
    orderBy: [
      { field: 'NAME', direction: 'DESC' },
      { field: 'EXTERNAL_ID', direction: 'DESC' },
    ],
  },
];

describe('Query.contacts sorting', () => {
  it('has ties and nulls in every sort field, so the tests below mean something', () => {
    for (const field of FIELDS) {
      const values = rows.map((r) => sortValue(r, field));
      if (field !== 'CREATED_AT' && field !== 'UPDATED_AT') expect(values).toContain(null);
      if (['NAME', 'CREATED_AT', 'UPDATED_AT', 'LAST_ACTIVITY_AT'].includes(field)) {
        expect(new Set(values).size).toBeLessThan(values.length);
      }
    }
  });

  it.each(SINGLE_ORDERS)(
    'orders by $title with nulls last and ties broken by id',
    async ({ orderBy }) => {
      const page = await contactsFetch({ orderBy })({ first: 100 });
      expect(ids(page)).toEqual(expectedOrder(rows, orderBy));
      expect(page.totalCount).toBe(COUNT);
    },
  );

  it.each(MULTI_ORDERS)('orders by several keys: $title', async ({ orderBy }) => {
    const page = await contactsFetch({ orderBy })({ first: 100 });
    expect(ids(page)).toEqual(expectedOrder(rows, orderBy));
  });

  it('orders newest first without orderBy or with an empty one', async () => {
    const expected = expectedOrder(rows, [{ field: 'CREATED_AT', direction: 'DESC' }]);
    expect(ids(await contactsFetch()({ first: 100 }))).toEqual(expected);
    expect(ids(await contactsFetch({ orderBy: [] })({ first: 100 }))).toEqual(expected);
  });

  it('sorts names by bytes after lower-casing, so "a c" comes before "ab" and "" first', async () => {
    const orderBy: Order[] = [{ field: 'NAME', direction: 'ASC' }];
    const names = ids(await contactsFetch({ orderBy })({ first: 100 })).map(
      (id) => rowByGlobalId.get(id)?.name,
    );
    expect(names[0]).toBe('');
    expect(names.indexOf('a c')).toBeLessThan(names.indexOf('ab'));
    expect(names.slice(-4)).toEqual([null, null, null, null]);
  });
});

describe('Query.contacts paging', () => {
  it.each([...SINGLE_ORDERS, ...MULTI_ORDERS])(
    'pages forward and backward through $title without loss or repeat',
    async ({ orderBy }) => {
      const expected = expectedOrder(rows, orderBy);
      const fetch = contactsFetch({ orderBy });
      expect(await walkForward(fetch, 7)).toEqual(expected);
      expect(await walkBackward(fetch, 6)).toEqual(expected);
    },
  );

  it('pages with a page size that divides the list exactly', async () => {
    const orderBy: Order[] = [{ field: 'EMAIL', direction: 'DESC' }];
    const expected = expectedOrder(rows, orderBy);
    expect(await walkForward(contactsFetch({ orderBy }), 9)).toEqual(expected);
    expect(await walkBackward(contactsFetch({ orderBy }), 15)).toEqual(expected);
    expect(await walkForward(contactsFetch({ orderBy }), 1)).toEqual(expected);
  });

  it('pages through a filtered list and counts only matching contacts', async () => {
    const filter: ContactFilter = {
      organizationId: { eq: organizationGlobalIds[0] },
      lastActivityAt: { isNull: false },
    };
    const matching = rows.filter((r) => r.organization === 0 && r.lastActivityAt !== null);
    const orderBy: Order[] = [{ field: 'LAST_ACTIVITY_AT', direction: 'ASC' }];
    const expected = expectedOrder(matching, orderBy);
    const fetch = contactsFetch({ orderBy, filter });
    expect(await walkForward(fetch, 2)).toEqual(expected);
    expect(await walkBackward(fetch, 3)).toEqual(expected);
    const first = await fetch({ first: 2 });
    expect(first.totalCount).toBe(matching.length);
    const second = await fetch({ first: 2, after: first.pageInfo.endCursor });
    expect(second.totalCount).toBe(matching.length);
  });

  it('pages through search results and counts them', async () => {
    const matching = rows.filter((r) => r.email?.endsWith('@ex.com'));
    const orderBy: Order[] = [{ field: 'PHONE', direction: 'DESC' }];
    const fetch = contactsFetch({ orderBy, search: '@EX.COM' });
    expect(await walkForward(fetch, 4)).toEqual(expectedOrder(matching, orderBy));
    expect((await fetch({ first: 1 })).totalCount).toBe(matching.length);
  });

  it('returns the rows between two cursors when after and before are given', async () => {
    const orderBy: Order[] = [{ field: 'NAME', direction: 'ASC' }];
    const fetch = contactsFetch({ orderBy });
    const all = await fetch({ first: 100 });
    const after = all.edges[4]?.cursor;
    const before = all.edges[15]?.cursor;
    const between = await fetch({ first: 100, after, before });
    expect(ids(between)).toEqual(ids(all).slice(5, 15));
    const fromEnd = await fetch({ last: 3, after, before });
    expect(ids(fromEnd)).toEqual(ids(all).slice(12, 15));
  });

  it('resumes from any cursor of a previous page', async () => {
    const orderBy: Order[] = [{ field: 'UPDATED_AT', direction: 'DESC' }];
    const fetch = contactsFetch({ orderBy });
    const expected = expectedOrder(rows, orderBy);
    const all = await fetch({ first: 100 });
    for (const i of [0, 10, 33, COUNT - 1]) {
      const page = await fetch({ first: 5, after: all.edges[i]?.cursor });
      expect(ids(page)).toEqual(expected.slice(i + 1, i + 6));
      const back = await fetch({ last: 5, before: all.edges[i]?.cursor });
      expect(ids(back)).toEqual(expected.slice(Math.max(0, i - 5), i));
      expect(back.pageInfo.hasPreviousPage).toBe(i > 5);
    }
  });

  it('accepts a cursor of the default order with that order given explicitly', async () => {
    const first = await contactsFetch()({ first: 10 });
    const explicit = await contactsFetch({ orderBy: [{ field: 'CREATED_AT', direction: 'DESC' }] })(
      { first: 10, after: first.pageInfo.endCursor },
    );
    const expected = expectedOrder(rows, []);
    expect(ids(explicit)).toEqual(expected.slice(10, 20));
  });
});

describe('Query.contacts page sizes', () => {
  it('returns 20 contacts when first is not given', async () => {
    const page = await contactsFetch()({});
    expect(ids(page)).toEqual(expectedOrder(rows, []).slice(0, 20));
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.pageInfo.hasPreviousPage).toBe(false);
    expect(page.totalCount).toBe(COUNT);
  });

  it('reads 20 contacts forward up to the cursor when only before is given', async () => {
    const expected = expectedOrder(rows, []);
    const all = await contactsFetch()({ first: 100 });
    const page = await contactsFetch()({ before: all.edges[30]?.cursor });
    // Without last, first defaults to 20: the page starts at the start of the list.
    expect(ids(page)).toEqual(expected.slice(0, 20));
  });

  it('returns no contacts but a true hasNextPage and the total for first: 0', async () => {
    const page = await contactsFetch()({ first: 0 });
    expect(page.edges).toEqual([]);
    expect(page.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: null,
      endCursor: null,
    });
    expect(page.totalCount).toBe(COUNT);
  });

  it('returns no contacts for last: 0', async () => {
    const page = await contactsFetch()({ last: 0 });
    expect(page.edges).toEqual([]);
    expect(page.pageInfo.hasPreviousPage).toBe(true);
    expect(page.totalCount).toBe(COUNT);
  });

  it('returns every contact with first: 100 and says there is no next page', async () => {
    const page = await contactsFetch()({ first: 100 });
    expect(page.edges).toHaveLength(COUNT);
    expect(page.pageInfo.hasNextPage).toBe(false);
  });

  it.each([
    { args: { first: 101 }, argument: 'first' },
    { args: { first: 1000 }, argument: 'first' },
    { args: { last: 101 }, argument: 'last' },
  ])('rejects $args, naming the limit of 100', async ({ args, argument }) => {
    expectBadInput(await t.gql(ContactsPage, args), argument, /100/);
  });

  it.each([{ first: -1 }, { last: -1 }])('rejects a negative page size %o', async (args) => {
    const response = await t.gql(ContactsPage, args);
    expectBadInput(response, Object.keys(args)[0] as string);
  });

  it('rejects first and last together', async () => {
    expectBadInput(await t.gql(ContactsPage, { first: 5, last: 5 }), 'first', /last/);
  });
});

/** A real cursor with its JSON payload changed, as a client tampering with it would. */
function tamper(cursor: string, change: (payload: unknown[]) => unknown): string {
  const payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
  return Buffer.from(JSON.stringify(change(payload))).toString('base64url');
}

const b64 = (text: string) => Buffer.from(text).toString('base64url');

describe('Query.contacts cursors', () => {
  const byName: Order[] = [{ field: 'NAME', direction: 'ASC' }];
  const byCreated: Order[] = [{ field: 'CREATED_AT', direction: 'ASC' }];
  let nameCursor: string;
  let createdCursor: string;

  beforeAll(async () => {
    nameCursor = (await contactsFetch({ orderBy: byName })({ first: 3 })).pageInfo
      .endCursor as string;
    createdCursor = (await contactsFetch({ orderBy: byCreated })({ first: 3 })).pageInfo
      .endCursor as string;
  });

  it.each([
    { title: 'another field', orderBy: [{ field: 'EMAIL', direction: 'ASC' }] },
    { title: 'the other direction', orderBy: [{ field: 'NAME', direction: 'DESC' }] },
    {
      title: 'an extra key',
      orderBy: [
        { field: 'NAME', direction: 'ASC' },
        { field: 'EMAIL', direction: 'ASC' },
      ],
    },
    { title: 'the default order', orderBy: undefined },
  ] as { title: string; orderBy?: ContactOrder[] }[])(
    'rejects a cursor made for another order: $title',
    async ({ orderBy }) => {
      expectBadInput(await t.gql(ContactsPage, { orderBy, after: nameCursor }), 'after', /orderBy/);
      expectBadInput(
        await t.gql(ContactsPage, { orderBy, last: 2, before: nameCursor }),
        'before',
        /orderBy/,
      );
    },
  );

  const malformed: { title: string; cursor: () => string; orderBy: () => Order[] }[] = [
    { title: 'random text', cursor: () => 'not a cursor!', orderBy: () => byName },
    { title: 'an empty string', cursor: () => '', orderBy: () => byName },
    { title: 'base64 of text that is not JSON', cursor: () => b64('hello'), orderBy: () => byName },
    { title: 'a JSON object', cursor: () => b64('{"a":1}'), orderBy: () => byName },
    { title: 'an empty JSON array', cursor: () => b64('[]'), orderBy: () => byName },
    { title: 'JSON null', cursor: () => b64('null'), orderBy: () => byName },
    {
      title: 'a cursor missing a value',
      cursor: () => tamper(nameCursor, (p) => p.slice(0, -1)),
      orderBy: () => byName,
    },
    {
      title: 'a cursor with an extra value',
      cursor: () => tamper(nameCursor, (p) => [...p, '1']),
      orderBy: () => byName,
    },
    {
      title: 'a number where text belongs',
      cursor: () => tamper(nameCursor, (p) => [p[0], p[1], 42, p[3]]),
      orderBy: () => byName,
    },
    {
      title: 'text where a flag belongs',
      cursor: () => tamper(nameCursor, (p) => [p[0], 'yes', p[2], p[3]]),
      orderBy: () => byName,
    },
    {
      title: 'an id that is not a number',
      cursor: () => tamper(nameCursor, (p) => [p[0], p[1], p[2], 'abc']),
      orderBy: () => byName,
    },
    {
      title: 'an id beyond the bigint range',
      cursor: () => tamper(nameCursor, (p) => [p[0], p[1], p[2], '9999999999999999999']),
      orderBy: () => byName,
    },
    {
      title: 'a NUL character in a text value',
      cursor: () => tamper(nameCursor, (p) => [p[0], p[1], 'a\u0000b', p[3]]),
      orderBy: () => byName,
    },
    {
      title: 'a date that is not a date',
      cursor: () => tamper(createdCursor, (p) => [p[0], 'yesterday', p[2]]),
      orderBy: () => byCreated,
    },
    {
      title: 'a bare number as a date',
      cursor: () => tamper(createdCursor, (p) => [p[0], '1', p[2]]),
      orderBy: () => byCreated,
    },
    {
      title: 'a loosely written date',
      cursor: () => tamper(createdCursor, (p) => [p[0], 'March 7, 2024', p[2]]),
      orderBy: () => byCreated,
    },
    {
      title: 'a day that does not exist',
      cursor: () => tamper(createdCursor, (p) => [p[0], '2024-02-30T00:00:00.000+00:00', p[2]]),
      orderBy: () => byCreated,
    },
  ];

  it.each(malformed)(
    'rejects $title as a bad cursor, never a server error',
    async ({ cursor, orderBy }) => {
      const after = await t.gql(ContactsPage, { orderBy: orderBy(), first: 2, after: cursor() });
      expectBadInput(after, 'after');
      const before = await t.gql(ContactsPage, { orderBy: orderBy(), last: 2, before: cursor() });
      expectBadInput(before, 'before');
    },
  );

  it('accepts a cursor whose date is written in another time zone', async () => {
    const all = await contactsFetch({ orderBy: byCreated })({ first: 100 });
    const third = all.edges[2]?.cursor as string;
    const shifted = tamper(third, (p) => {
      const at = new Date(p[1] as string);
      const local = new Date(at.getTime() + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
      return [p[0], local, p[2]];
    });
    const page = await contactsFetch({ orderBy: byCreated })({ first: 4, after: shifted });
    expect(ids(page)).toEqual(ids(all).slice(3, 7));
  });
});

describe('Query.contacts under concurrent inserts', () => {
  const workspace = () => t.b;
  const inserted: Row[] = [];
  let counter = 0;

  async function addContact(name: string | null, createdAt = new Date().toISOString()) {
    counter += 1;
    const email = `new${counter}@b.test`;
    const id = await insertContact(workspace().id, {
      name,
      email,
      createdAt,
      updatedAt: createdAt,
    });
    const row: Row = {
      id,
      globalId: encodeGlobalId('Contact', id),
      name,
      email,
      phone: null,
      externalId: null,
      createdAt,
      updatedAt: createdAt,
      lastActivityAt: null,
      organization: null,
      labels: [],
    };
    inserted.push(row);
    return row;
  }

  beforeAll(async () => {
    for (let i = 0; i < 24; i++) {
      await addContact(
        i % 6 === 5 ? null : `m${String(i % 12).padStart(2, '0')}`,
        iso(BASE + i * 1000),
      );
    }
  });

  /** Walks a list while inserting rows around the position reached after every page. */
  async function walkWhileInserting(
    orderBy: Order[],
    backward: boolean,
    insertAround: (lastSeen: Row) => Promise<void>,
  ) {
    const existing = [...inserted];
    const fetch = contactsFetch({ orderBy }, workspace().keys.read);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const page: Connection = await fetch(
        backward ? { last: 6, before: cursor } : { first: 6, after: cursor },
      );
      const pageIds = ids(page);
      if (backward) seen.unshift(...pageIds);
      else seen.push(...pageIds);
      const more = backward ? page.pageInfo.hasPreviousPage : page.pageInfo.hasNextPage;
      if (!more) break;
      cursor = (backward ? page.pageInfo.startCursor : page.pageInfo.endCursor) ?? null;
      const edge = backward ? page.edges[0] : page.edges.at(-1);
      await insertAround(inserted.find((r) => r.globalId === edge?.node.id) as Row);
    }
    // No repeats; every row that existed at the start exactly once; and the list read is in
    // the order of the final table (a subsequence of it).
    expect(new Set(seen).size).toBe(seen.length);
    for (const row of existing) expect(seen).toContain(row.globalId);
    const final = expectedOrder(inserted, orderBy);
    expect(seen).toEqual(final.filter((id) => seen.includes(id)));
  }

  it('pages by name without skipping or repeating while rows are inserted around the cursor', async () => {
    await walkWhileInserting([{ field: 'NAME', direction: 'ASC' }], false, async (last) => {
      const name = last.name ?? 'zzz';
      await addContact(name); // ties with the cursor row, sorts after it by id
      await addContact(`${name.slice(0, -1)}`); // sorts before the cursor
      await addContact(`${name}~`); // sorts after the cursor
      await addContact(null); // joins the nulls at the end
    });
  });

  it('pages newest first while newer contacts arrive', async () => {
    await walkWhileInserting([], false, async () => {
      await addContact('fresh');
      await addContact('fresher');
    });
  });

  it('pages backward by name while rows are inserted around the cursor', async () => {
    await walkWhileInserting([{ field: 'NAME', direction: 'DESC' }], true, async (first) => {
      const name = first.name ?? 'm05';
      await addContact(name);
      await addContact(`${name}0`);
      await addContact(null);
    });
  });
});

const OrganizationContacts = graphql(`
  query PagingTestOrganizationContacts(
    $id: ID!
    $first: Int
    $after: String
    $last: Int
    $before: String
    $orderBy: [ContactOrder!]
    $filter: ContactFilter
    $search: String
  ) {
    organization(id: $id) {
      contacts(
        first: $first
        after: $after
        last: $last
        before: $before
        orderBy: $orderBy
        filter: $filter
        search: $search
      ) {
        totalCount
        edges { cursor node { id } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
`);

const EveryOrganizationContacts = graphql(`
  query PagingTestEveryOrganizationContacts(
    $first: Int
    $last: Int
    $orderBy: [ContactOrder!]
    $filter: ContactFilter
  ) {
    organizations(first: 10) {
      edges {
        node {
          id
          contacts(first: $first, last: $last, orderBy: $orderBy, filter: $filter) {
            totalCount
            edges { cursor node { id } }
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
          }
        }
      }
    }
  }
`);

const LabelContacts = graphql(`
  query PagingTestLabelContacts(
    $id: ID!
    $first: Int
    $after: String
    $last: Int
    $before: String
    $orderBy: [ContactOrder!]
    $filter: ContactFilter
  ) {
    node(id: $id) {
      ... on Label {
        contacts(
          first: $first
          after: $after
          last: $last
          before: $before
          orderBy: $orderBy
          filter: $filter
        ) {
          totalCount
          edges { cursor node { id } }
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        }
      }
    }
  }
`);

const EveryLabelContacts = graphql(`
  query PagingTestEveryLabelContacts($first: Int, $orderBy: [ContactOrder!]) {
    labels(first: 10) {
      edges {
        node {
          id
          contacts(first: $first, orderBy: $orderBy) {
            totalCount
            edges { node { id } }
            pageInfo { hasNextPage hasPreviousPage }
          }
        }
      }
    }
  }
`);

describe('Organization.contacts and Label.contacts', () => {
  const organizationFetch =
    (index: number, vars: { orderBy?: Order[]; filter?: ContactFilter; search?: string }): Fetch =>
    async (args) => {
      const data = dataOf(
        await t.gql(OrganizationContacts, {
          id: organizationGlobalIds[index] as string,
          ...vars,
          ...args,
        }),
      );
      if (!data.organization) throw new Error('organization not found');
      return data.organization.contacts;
    };

  const labelFetch =
    (index: number, vars: { orderBy?: Order[]; filter?: ContactFilter }): Fetch =>
    async (args) => {
      const data = dataOf(
        await t.gql(LabelContacts, { id: labelGlobalIds[index] as string, ...vars, ...args }),
      );
      if (!data.node || !('contacts' in data.node)) throw new Error('label not found');
      return data.node.contacts;
    };

  it.each([
    { orderBy: [{ field: 'NAME', direction: 'ASC' }] },
    { orderBy: [{ field: 'LAST_ACTIVITY_AT', direction: 'DESC' }] },
    {
      orderBy: [
        { field: 'UPDATED_AT', direction: 'DESC' },
        { field: 'EMAIL', direction: 'ASC' },
      ],
    },
  ] as { orderBy: Order[] }[])(
    'pages an organization’s contacts by $orderBy.0.field $orderBy.0.direction',
    async ({ orderBy }) => {
      const expected = expectedOrder(
        rows.filter((r) => r.organization === 1),
        orderBy,
      );
      expect(await walkForward(organizationFetch(1, { orderBy }), 4)).toEqual(expected);
      expect(await walkBackward(organizationFetch(1, { orderBy }), 3)).toEqual(expected);
      expect((await organizationFetch(1, { orderBy })({ first: 1 })).totalCount).toBe(
        expected.length,
      );
    },
  );

  it('filters and searches an organization’s contacts and counts the matches', async () => {
    const filter: ContactFilter = { phone: { isNull: false } };
    const orderBy: Order[] = [{ field: 'PHONE', direction: 'ASC' }];
    const matching = rows.filter((r) => r.organization === 0 && r.phone !== null);
    const fetch = organizationFetch(0, { filter, orderBy });
    expect(await walkForward(fetch, 3)).toEqual(expectedOrder(matching, orderBy));
    expect((await fetch({ first: 1 })).totalCount).toBe(matching.length);

    const searched = matching.filter((r) => r.phone?.startsWith('+1415'));
    const searchFetch = organizationFetch(0, { filter, orderBy, search: '+1415' });
    expect(await walkForward(searchFetch, 2)).toEqual(expectedOrder(searched, orderBy));
    expect((await searchFetch({ first: 1 })).totalCount).toBe(searched.length);
  });

  it.each([
    ...SINGLE_ORDERS.filter((o) => o.title.startsWith('NAME') || o.title.includes('ACTIVITY')),
    ...MULTI_ORDERS.slice(0, 2),
  ])(
    'answers the first and last pages of every organization at once by $title',
    async ({ orderBy }) => {
      const forward = dataOf(await t.gql(EveryOrganizationContacts, { first: 4, orderBy }));
      const backward = dataOf(await t.gql(EveryOrganizationContacts, { last: 3, orderBy }));
      expect(forward.organizations.edges).toHaveLength(3);
      for (const [position, page] of [forward, backward].entries()) {
        for (const { node } of page.organizations.edges) {
          const index = organizationGlobalIds.indexOf(node.id);
          const expected = expectedOrder(
            rows.filter((r) => r.organization === index),
            orderBy,
          );
          const slice = position === 0 ? expected.slice(0, 4) : expected.slice(-3);
          expect(ids(node.contacts)).toEqual(slice);
          expect(node.contacts.totalCount).toBe(expected.length);
          expectConsistentPageInfo(node.contacts);
          if (position === 0) expect(node.contacts.pageInfo.hasNextPage).toBe(expected.length > 4);
          else expect(node.contacts.pageInfo.hasPreviousPage).toBe(expected.length > 3);
        }
      }
    },
  );

  it('filters the contacts of every organization at once', async () => {
    const filter: ContactFilter = { email: { isNull: false } };
    const orderBy: Order[] = [{ field: 'EMAIL', direction: 'DESC' }];
    const data = dataOf(await t.gql(EveryOrganizationContacts, { first: 100, orderBy, filter }));
    for (const { node } of data.organizations.edges) {
      const index = organizationGlobalIds.indexOf(node.id);
      const expected = expectedOrder(
        rows.filter((r) => r.organization === index && r.email !== null),
        orderBy,
      );
      expect(ids(node.contacts)).toEqual(expected);
      expect(node.contacts.totalCount).toBe(expected.length);
    }
  });

  it('answers an empty page for an organization without contacts', async () => {
    const page = await organizationFetch(2, {})({ first: 5 });
    expect(page).toEqual({
      totalCount: 0,
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it('rejects a nested page size above the limit and a cursor of another order', async () => {
    const tooMany = await t.gql(OrganizationContacts, {
      id: organizationGlobalIds[0] as string,
      first: 101,
    });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooMany.errors?.[0]?.message).toMatch(/100/);
    const page = await organizationFetch(0, { orderBy: [{ field: 'NAME', direction: 'ASC' }] })({
      first: 2,
    });
    const mismatched = await t.gql(OrganizationContacts, {
      id: organizationGlobalIds[0] as string,
      after: page.pageInfo.endCursor,
      orderBy: [{ field: 'EMAIL', direction: 'ASC' }],
    });
    expect(mismatched.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(mismatched.errors?.[0]?.extensions?.argument).toBe('after');
  });

  it.each([
    { orderBy: [{ field: 'EMAIL', direction: 'ASC' }] },
    { orderBy: [{ field: 'CREATED_AT', direction: 'DESC' }] },
  ] as { orderBy: Order[] }[])(
    'pages a label’s contacts by $orderBy.0.field $orderBy.0.direction',
    async ({ orderBy }) => {
      const expected = expectedOrder(
        rows.filter((r) => r.labels.includes(0)),
        orderBy,
      );
      expect(await walkForward(labelFetch(0, { orderBy }), 5)).toEqual(expected);
      expect(await walkBackward(labelFetch(0, { orderBy }), 4)).toEqual(expected);
      expect((await labelFetch(0, { orderBy })({ first: 1 })).totalCount).toBe(expected.length);
    },
  );

  it('filters a label’s contacts and counts the matches', async () => {
    const filter: ContactFilter = { labels: { any: [labelGlobalIds[1] as string] } };
    const orderBy: Order[] = [{ field: 'NAME', direction: 'DESC' }];
    const matching = rows.filter((r) => r.labels.includes(0) && r.labels.includes(1));
    const fetch = labelFetch(0, { filter, orderBy });
    expect(await walkForward(fetch, 2)).toEqual(expectedOrder(matching, orderBy));
    expect((await fetch({ first: 1 })).totalCount).toBe(matching.length);
  });

  it('answers the first page of every label at once', async () => {
    const orderBy: Order[] = [{ field: 'NAME', direction: 'ASC' }];
    const data = dataOf(await t.gql(EveryLabelContacts, { first: 5, orderBy }));
    expect(data.labels.edges).toHaveLength(3);
    for (const { node } of data.labels.edges) {
      const index = labelGlobalIds.indexOf(node.id);
      const expected = expectedOrder(
        rows.filter((r) => r.labels.includes(index)),
        orderBy,
      );
      expect(ids(node.contacts)).toEqual(expected.slice(0, 5));
      expect(node.contacts.totalCount).toBe(expected.length);
      expect(node.contacts.pageInfo.hasNextPage).toBe(expected.length > 5);
    }
  });
});

const ContactConversations = graphql(`
  query PagingTestContactConversations(
    $id: ID!
    $first: Int
    $after: String
    $last: Int
    $before: String
    $status: ConversationStatus
  ) {
    contact(id: $id) {
      conversations(first: $first, after: $after, last: $last, before: $before, status: $status) {
        totalCount
        edges { cursor node { id status lastActivityAt contact { id } } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
`);

const ManyContactsConversations = graphql(`
  query PagingTestManyContactsConversations($ids: [ID!]!, $first: Int, $status: ConversationStatus) {
    nodes(ids: $ids) {
      ... on Contact {
        id
        conversations(first: $first, status: $status) {
          totalCount
          edges { node { id } }
          pageInfo { hasNextPage }
        }
      }
    }
  }
`);

describe('Contact.conversations', () => {
  type ConversationRow = { id: string; contact: string; status: ConversationStatus; at: number };
  const conversations: ConversationRow[] = [];
  const STATUSES: ConversationStatus[] = ['OPEN', 'RESOLVED', 'PENDING', 'RESOLVED', 'SNOOZED'];

  beforeAll(async () => {
    // Contacts 0 and 1 get conversations with tied activity times; contact 2 gets none.
    for (const [owner, count] of [
      [0, 9],
      [1, 4],
    ] as const) {
      const contact = rows[owner] as Row;
      for (let i = 0; i < count; i++) {
        const at = BASE + ((i * 5) % 7) * 3_600_000;
        const status = STATUSES[i % STATUSES.length] as ConversationStatus;
        const row = await t.database.db
          .insertInto('conversations')
          .values({
            workspaceId: t.a.id,
            contactId: contact.id,
            channel: 'EMAIL',
            status,
            createdAt: iso(BASE),
            updatedAt: iso(at),
            lastActivityAt: iso(at),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        conversations.push({
          id: encodeGlobalId('Conversation', row.id),
          contact: contact.globalId,
          status,
          at,
        });
      }
    }
  });

  /** Newest activity first, ties by id, newest id first. */
  const expectedFor = (contact: Row, status?: ConversationStatus) =>
    conversations
      .filter((c) => c.contact === contact.globalId && (!status || c.status === status))
      .sort((a, b) => b.at - a.at || (BigInt(fromGlobal(b.id)) > BigInt(fromGlobal(a.id)) ? 1 : -1))
      .map((c) => c.id);

  const fromGlobal = (id: string) =>
    Buffer.from(id, 'base64url').toString('utf8').split(':')[1] as string;

  const fetchFor =
    (contact: Row, status?: ConversationStatus): Fetch =>
    async (args) => {
      const data = dataOf(
        await t.gql(ContactConversations, { id: contact.globalId, status, ...args }),
      );
      if (!data.contact) throw new Error('contact not found');
      for (const edge of data.contact.conversations.edges) {
        expect(edge.node.contact.id).toBe(contact.globalId);
      }
      return data.contact.conversations;
    };

  it('lists a contact’s conversations newest activity first, ties by id, in pages', async () => {
    const contact = rows[0] as Row;
    const expected = expectedFor(contact);
    expect(expected).toHaveLength(9);
    expect(await walkForward(fetchFor(contact), 2)).toEqual(expected);
    expect(await walkBackward(fetchFor(contact), 4)).toEqual(expected);
    expect((await fetchFor(contact)({ first: 1 })).totalCount).toBe(9);
  });

  it('returns activity times in non-increasing order', async () => {
    const page = await t.gql(ContactConversations, { id: (rows[0] as Row).globalId, first: 20 });
    const times =
      dataOf(page).contact?.conversations.edges.map((e) => Date.parse(e.node.lastActivityAt)) ?? [];
    expect(times).toHaveLength(9);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('filters by status and counts only that status', async () => {
    const contact = rows[0] as Row;
    const expected = expectedFor(contact, 'RESOLVED');
    expect(expected.length).toBeGreaterThan(2);
    expect(await walkForward(fetchFor(contact, 'RESOLVED'), 2)).toEqual(expected);
    expect((await fetchFor(contact, 'RESOLVED')({ first: 1 })).totalCount).toBe(expected.length);
    expect((await fetchFor(contact, 'SNOOZED')({ first: 5 })).totalCount).toBe(
      expectedFor(contact, 'SNOOZED').length,
    );
  });

  it('answers the conversations of several contacts at once, each its own', async () => {
    const contacts = [rows[0], rows[1], rows[2]] as Row[];
    for (const status of [undefined, 'OPEN'] as const) {
      const data = dataOf(
        await t.gql(ManyContactsConversations, {
          ids: contacts.map((c) => c.globalId),
          first: 3,
          status,
        }),
      );
      contacts.forEach((contact, i) => {
        const node = data.nodes[i];
        if (!node || !('conversations' in node)) throw new Error('contact not found');
        const expected = expectedFor(contact, status);
        expect(node.conversations.edges.map((e) => e.node.id)).toEqual(expected.slice(0, 3));
        expect(node.conversations.totalCount).toBe(expected.length);
        expect(node.conversations.pageInfo.hasNextPage).toBe(expected.length > 3);
      });
    }
  });

  it('rejects a page size above the limit', async () => {
    const response = await t.gql(ContactConversations, {
      id: (rows[0] as Row).globalId,
      first: 101,
    });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toMatch(/100/);
  });
});

const ListsForNodes = graphql(`
  query PagingTestListsForNodes {
    contacts(first: 5, orderBy: [{ field: EMAIL, direction: ASC }]) {
      edges {
        node { id name email phone externalId createdAt lastActivityAt organization { id } }
      }
    }
    organizations(first: 5) { edges { node { id organizationName: name domain } } }
    labels(first: 5) { edges { node { id labelName: name color } } }
    conversations(first: 5) {
      edges { node { id status conversationActivityAt: lastActivityAt contact { id } } }
    }
  }
`);

const NodeById = graphql(`
  query PagingTestNode($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Contact {
        name
        email
        phone
        externalId
        createdAt
        lastActivityAt
        organization { id }
      }
      ... on Organization { organizationName: name domain }
      ... on Label { labelName: name color }
      ... on Conversation { status conversationActivityAt: lastActivityAt contact { id } }
    }
  }
`);

const NodesByIds = graphql(`
  query PagingTestNodes($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      id
      ... on Contact { name email }
      ... on Organization { organizationName: name }
      ... on Label { labelName: name }
      ... on Conversation { status }
    }
  }
`);

describe('Query.node and Query.nodes', () => {
  let lists: PagingTestListsForNodesQuery;

  beforeAll(async () => {
    lists = dataOf(await t.gql(ListsForNodes));
  });

  it('lists something of every type to look up', () => {
    expect(lists.contacts.edges.length).toBe(5);
    expect(lists.organizations.edges.length).toBe(3);
    expect(lists.labels.edges.length).toBe(3);
    expect(lists.conversations.edges.length).toBe(5);
  });

  it.each([
    { list: 'contacts', typename: 'Contact' },
    { list: 'organizations', typename: 'Organization' },
    { list: 'labels', typename: 'Label' },
    { list: 'conversations', typename: 'Conversation' },
  ] as const)(
    'resolves every listed item of $list by its id to the same $typename',
    async ({ list, typename }) => {
      for (const { node } of lists[list].edges) {
        const data = dataOf(await t.gql(NodeById, { id: node.id }));
        expect(data.node).toEqual({ __typename: typename, ...node });
      }
    },
  );

  it('resolves ids of every type at once, in order, with null for unknown ids', async () => {
    const picked = [
      lists.labels.edges[1]?.node,
      lists.contacts.edges[3]?.node,
      lists.conversations.edges[0]?.node,
      lists.organizations.edges[2]?.node,
    ];
    const missing = encodeGlobalId('Contact', '987654321');
    const data = dataOf(
      await t.gql(NodesByIds, {
        ids: [...picked.map((n) => n?.id as string), missing, picked[0]?.id as string],
      }),
    );
    expect(data.nodes.map((n) => n?.id ?? null)).toEqual([
      ...picked.map((n) => n?.id),
      null,
      picked[0]?.id,
    ]);
    expect(data.nodes.map((n) => n?.__typename ?? null)).toEqual([
      'Label',
      'Contact',
      'Conversation',
      'Organization',
      null,
      'Label',
    ]);
    const contact = lists.contacts.edges[3]?.node;
    expect(data.nodes[1]).toEqual({
      __typename: 'Contact',
      id: contact?.id,
      name: contact?.name,
      email: contact?.email,
    });
  });

  it('returns null for an id that does not exist', async () => {
    for (const type of ['Contact', 'Organization', 'Label', 'Conversation']) {
      const data = dataOf(await t.gql(NodeById, { id: encodeGlobalId(type, '987654321') }));
      expect(data.node).toBeNull();
    }
  });

  it.each([
    { title: 'text that is not an ID', id: 'hello' },
    {
      title: 'an ID whose number is beyond the id range',
      id: encodeGlobalId('Contact', '9999999999999999999'),
    },
  ])('rejects $title as bad input, never a server error', async ({ id }) => {
    const response = await t.gql(NodeById, { id });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('rejects an ID of a type that has no nodes as bad input', async () => {
    const response = await t.gql(NodeById, { id: encodeGlobalId('Spaceship', '1') });
    expect(response.data?.node ?? null).toBeNull();
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
