import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../src/global-id.js';
import { dataOf, startTestServer, type TestServer } from './harness.js';

/**
 * Segments through the server: CRUD and validation of the stored filter, live membership
 * (Segment.contacts / count, Contact.segments, ContactFilter.segmentIds), batching, and
 * isolation between workspaces.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

// biome-ignore lint/suspicious/noExplicitAny: test responses are checked field by field.
type Data = any;

async function gql(query: string, variables?: Record<string, unknown>, key = t.a.keys.admin) {
  return t.gql<Data, Record<string, unknown>>(query, variables, { key });
}
async function run(query: string, variables?: Record<string, unknown>, key = t.a.keys.admin) {
  return dataOf(await gql(query, variables, key)) as Data;
}

const RESULT = `__typename
  ... on Error { message code }
  ... on ValidationError { fieldErrors { path message } }
  ... on ConflictError { field }`;

async function createSegment(input: Record<string, unknown>, key = t.a.keys.admin) {
  const data = await run(
    `mutation($input: CreateSegmentInput!) { createSegment(input: $input) {
      ${RESULT} ... on CreateSegmentSuccess { segment { id name description filter count } } } }`,
    { input },
    key,
  );
  return data.createSegment;
}

async function segmentId(input: Record<string, unknown>, key = t.a.keys.admin): Promise<string> {
  const result = await createSegment(input, key);
  expect(result.__typename).toBe('CreateSegmentSuccess');
  return result.segment.id;
}

async function updateSegment(input: Record<string, unknown>, key = t.a.keys.admin) {
  const data = await run(
    `mutation($input: UpdateSegmentInput!) { updateSegment(input: $input) {
      ${RESULT} ... on UpdateSegmentSuccess { segment { id name description filter count } } } }`,
    { input },
    key,
  );
  return data.updateSegment;
}

async function deleteSegment(id: string, key = t.a.keys.admin) {
  const data = await run(
    `mutation($input: DeleteSegmentInput!) { deleteSegment(input: $input) {
      ${RESULT} ... on DeleteSegmentSuccess { deletedId } } }`,
    { input: { id } },
    key,
  );
  return data.deleteSegment;
}

async function createContact(input: Record<string, unknown>, key = t.a.keys.admin) {
  const data = await run(
    `mutation($input: CreateContactInput!) { createContact(input: $input) {
      __typename ... on CreateContactSuccess { contact { id } } ... on Error { message } } }`,
    { input },
    key,
  );
  expect(data.createContact.__typename).toBe('CreateContactSuccess');
  return data.createContact.contact.id as string;
}

async function updateContact(input: Record<string, unknown>) {
  const data = await run(
    `mutation($input: UpdateContactInput!) { updateContact(input: $input) { __typename } }`,
    { input },
  );
  expect(data.updateContact.__typename).toBe('UpdateContactSuccess');
}

async function createLabel(name: string, key = t.a.keys.admin) {
  const data = await run(
    `mutation($input: CreateLabelInput!) { createLabel(input: $input) {
      __typename ... on CreateLabelSuccess { label { id } } } }`,
    { input: { name } },
    key,
  );
  return data.createLabel.label.id as string;
}

async function members(id: string, args = '') {
  const data = await run(
    `query($id: ID!) { segment(id: $id) { count contacts${args} { totalCount edges { node { id } } } } }`,
    { id },
  );
  return {
    count: data.segment.count as number,
    total: data.segment.contacts.totalCount as number,
    ids: data.segment.contacts.edges.map((e: Data) => e.node.id) as string[],
  };
}

/** The contact's segments by name, leaving out this file's match-everything segments. */
async function contactSegments(id: string) {
  const data = await run(
    `query($id: ID!) { node(id: $id) { ... on Contact { segments { id name } } } }`,
    {
      id,
    },
  );
  return (data.node.segments as { id: string; name: string }[])
    .map((s) => s.name)
    .filter((name) => !EVERYONE.includes(name));
}

async function filteredIds(filter: Record<string, unknown>) {
  const response = await gql(
    `query($filter: ContactFilter) { contacts(first: 100, filter: $filter) { edges { node { id } } } }`,
    { filter },
  );
  return response;
}

const EVERYONE = ['crud a-first', 'Dup Name', 'Dup Other'];

describe('segment CRUD', () => {
  it('creates, reads back the filter as given, lists by name, updates and deletes', async () => {
    const vip = await createLabel('crud-vip');
    const created = await createSegment({
      name: '  CRUD VIPs ',
      description: 'Big accounts',
      filter: { labels: { any: [vip] }, createdAt: { gte: '2020-01-01T00:00:00.000Z' } },
    });
    expect(created.__typename).toBe('CreateSegmentSuccess');
    expect(created.segment.name).toBe('CRUD VIPs');
    expect(created.segment.filter).toEqual({
      labels: { any: [vip] },
      createdAt: { gte: '2020-01-01T00:00:00.000Z' },
    });
    const id = created.segment.id;
    await segmentId({ name: 'crud a-first', filter: {} });

    const list = await run(
      `{ segments(first: 50, search: "crud") { totalCount edges { node { name } } } }`,
    );
    expect(list.segments.edges.map((e: Data) => e.node.name)).toEqual([
      'crud a-first',
      'CRUD VIPs',
    ]);
    expect(list.segments.totalCount).toBe(2);
    const page1 = await run(
      `{ segments(first: 1, search: "crud") { pageInfo { endCursor hasNextPage } edges { node { name } } } }`,
    );
    expect(page1.segments.pageInfo.hasNextPage).toBe(true);
    const page2 = await run(
      `query($after: String) { segments(first: 1, search: "crud", after: $after) { edges { node { name } } } }`,
      { after: page1.segments.pageInfo.endCursor },
    );
    expect(page2.segments.edges[0].node.name).toBe('CRUD VIPs');

    const updated = await updateSegment({ id, name: 'CRUD Whales', description: null });
    expect(updated.segment).toMatchObject({ name: 'CRUD Whales', description: null });
    expect(updated.segment.filter.labels).toEqual({ any: [vip] });

    const byNode = await run(`query($id: ID!) { node(id: $id) { ... on Segment { name } } }`, {
      id,
    });
    expect(byNode.node.name).toBe('CRUD Whales');

    expect((await deleteSegment(id)).deletedId).toBe(id);
    expect((await run(`query($id: ID!) { segment(id: $id) { id } }`, { id })).segment).toBeNull();
    expect((await deleteSegment(id)).__typename).toBe('NotFoundError');
    expect((await updateSegment({ id, name: 'x' })).__typename).toBe('NotFoundError');
  });

  it('refuses a taken name (ignoring case) with ConflictError', async () => {
    await segmentId({ name: 'Dup Name', filter: {} });
    const again = await createSegment({ name: 'dup name', filter: {} });
    expect(again).toMatchObject({ __typename: 'ConflictError', field: 'name' });
    const other = await segmentId({ name: 'Dup Other', filter: {} });
    expect((await updateSegment({ id: other, name: 'DUP NAME' })).__typename).toBe('ConflictError');
  });

  it('validates fields and the filter with paths under ["filter", ...]', async () => {
    const empty = await createSegment({ name: ' ', filter: {} });
    expect(empty.fieldErrors).toEqual([{ path: ['name'], message: 'cannot be empty' }]);
    const long = await createSegment({ name: 'x'.repeat(201), filter: {} });
    expect(long.fieldErrors[0].path).toEqual(['name']);

    const wrongType = await createSegment({
      name: 'bad id',
      filter: { and: [{ labels: { any: [encodeGlobalId('Contact', 1)] } }] },
    });
    expect(wrongType.__typename).toBe('ValidationError');
    expect(wrongType.fieldErrors).toEqual([
      {
        path: ['filter', 'and', '0', 'labels', 'any', '0'],
        message: expect.stringContaining('Label ID'),
      },
    ]);

    const unknownSegment = await createSegment({
      name: 'bad ref',
      filter: { segmentIds: { any: [encodeGlobalId('Segment', 999999)] } },
    });
    expect(unknownSegment.fieldErrors).toEqual([
      { path: ['filter', 'segmentIds', 'any', '0'], message: 'no such segment' },
    ]);

    const badKey = await createSegment({
      name: 'bad key',
      filter: { attributes: [{ key: 'no spaces allowed', eq: 1 }] },
    });
    expect(badKey.__typename).toBe('ValidationError');
    expect(badKey.fieldErrors[0].path[0]).toBe('filter');

    // Nothing was written.
    const names = await run(`{ segments(first: 100, search: "bad") { totalCount } }`);
    expect(names.segments.totalCount).toBe(0);
  });
});

describe('membership', () => {
  it('follows contact updates, labels, deletes and restores; count and pages agree', async () => {
    const gold = await createLabel('m-gold');
    const seg = await segmentId({
      name: 'm-gold-paris',
      filter: { labels: { any: [gold] }, name: { startsWith: 'm-' } },
    });
    const a = await createContact({ name: 'm-ann', email: 'm-ann@x.test', labelIds: [gold] });
    const b = await createContact({ name: 'm-bob', email: 'm-bob@x.test' });
    const c = await createContact({ name: 'other', email: 'm-other@x.test', labelIds: [gold] });
    expect(await members(seg)).toEqual({ count: 1, total: 1, ids: [a] });

    await run(
      `mutation($input: ContactLabelsInput!) { addContactLabels(input: $input) { __typename } }`,
      { input: { contactId: b, labelIds: [gold] } },
    );
    expect((await members(seg)).count).toBe(2);
    await updateContact({ id: c, name: 'm-carl' });
    expect((await members(seg)).count).toBe(3);
    expect(await contactSegments(c)).toEqual(['m-gold-paris']);

    await run(
      `mutation($input: DeleteContactInput!) { deleteContact(input: $input) { __typename } }`,
      {
        input: { id: a },
      },
    );
    const after = await members(seg);
    expect(after.count).toBe(2);
    expect(after.ids.sort()).toEqual([b, c].sort());
    expect(await contactSegments(a)).toEqual([]);

    // A filter change applies at once.
    await updateSegment({ id: seg, filter: { labels: { any: [gold] }, name: { eq: 'm-bob' } } });
    expect(await members(seg)).toEqual({ count: 1, total: 1, ids: [b] });
  });

  it('pages and sorts Segment.contacts like Query.contacts, with its own filter and search', async () => {
    const tag = await createLabel('p-tag');
    const ids: string[] = [];
    for (const n of [3, 1, 4, 5, 2]) {
      ids.push(await createContact({ name: `p-${n}`, email: `p-${n}@x.test`, labelIds: [tag] }));
    }
    const seg = await segmentId({ name: 'paging', filter: { labels: { any: [tag] } } });
    const page = async (args: Record<string, unknown>) =>
      (
        await run(
          `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String, $filter: ContactFilter, $search: String) {
            segment(id: $id) { contacts(first: $first, after: $after, last: $last, before: $before,
              filter: $filter, search: $search, orderBy: [{ field: NAME, direction: ASC }]) {
              totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
              edges { node { name } } } } }`,
          { id: seg, ...args },
        )
      ).segment.contacts;
    const first = await page({ first: 2 });
    expect(first.edges.map((e: Data) => e.node.name)).toEqual(['p-1', 'p-2']);
    expect(first.totalCount).toBe(5);
    const second = await page({ first: 2, after: first.pageInfo.endCursor });
    expect(second.edges.map((e: Data) => e.node.name)).toEqual(['p-3', 'p-4']);
    const back = await page({ last: 2, before: second.pageInfo.startCursor });
    expect(back.edges.map((e: Data) => e.node.name)).toEqual(['p-1', 'p-2']);
    const filtered = await page({ first: 10, filter: { name: { in: ['p-2', 'p-5'] } } });
    expect(filtered.edges.map((e: Data) => e.node.name)).toEqual(['p-2', 'p-5']);
    expect(filtered.totalCount).toBe(2);
    const searched = await page({ first: 10, search: 'p-4' });
    expect(searched.edges.map((e: Data) => e.node.name)).toEqual(['p-4']);

    // Sorted by a typed custom attribute, as Query.contacts sorts.
    const defined = await run(
      `mutation { createAttributeDefinition(input: { key: "p_rank", name: "Rank", type: NUMBER }) {
        __typename } }`,
    );
    expect(defined.createAttributeDefinition.__typename).toBe('CreateAttributeDefinitionSuccess');
    for (const [i, id] of ids.entries()) {
      await updateContact({ id, customAttributes: { p_rank: [10, 9, 100, 2, 20][i] } });
    }
    const ranked = await run(
      `query($id: ID!) { segment(id: $id) { contacts(first: 3,
        orderBy: [{ field: CUSTOM_ATTRIBUTE, attributeKey: "p_rank", direction: DESC }]) {
        edges { node { name } } } } }`,
      { id: seg },
    );
    // p-3:10, p-1:9, p-4:100, p-5:2, p-2:20 → 100, 20, 10
    expect(ranked.segment.contacts.edges.map((e: Data) => e.node.name)).toEqual([
      'p-4',
      'p-2',
      'p-3',
    ]);
  });

  it('segmentIds any / none, nested segments, unknown ids and cycles', async () => {
    const l1 = await createLabel('n-one');
    const l2 = await createLabel('n-two');
    const x = await createContact({ name: 'n-x', email: 'n-x@x.test', labelIds: [l1] });
    const y = await createContact({ name: 'n-y', email: 'n-y@x.test', labelIds: [l1, l2] });
    const z = await createContact({ name: 'n-z', email: 'n-z@x.test', labelIds: [l2] });
    const one = await segmentId({ name: 'n-one', filter: { labels: { any: [l1] } } });
    const two = await segmentId({ name: 'n-two', filter: { labels: { any: [l2] } } });
    // one but not two, through segment references.
    const onlyOne = await segmentId({
      name: 'n-only-one',
      filter: { segmentIds: { any: [one], none: [two] } },
    });
    const nested = await segmentId({
      name: 'n-nested',
      filter: { or: [{ segmentIds: { any: [onlyOne] } }, { name: { eq: 'n-z' } }] },
    });
    const ids = async (filter: Record<string, unknown>) =>
      (dataOf(await filteredIds({ name: { startsWith: 'n-' }, ...filter })) as Data).contacts.edges
        .map((e: Data) => e.node.id)
        .sort();
    expect(await ids({ segmentIds: { any: [one] } })).toEqual([x, y].sort());
    expect(await ids({ segmentIds: { none: [one] } })).toEqual([z]);
    expect(await ids({ segmentIds: { any: [onlyOne] } })).toEqual([x]);
    expect(await ids({ segmentIds: { any: [nested] } })).toEqual([x, z].sort());
    expect((await members(nested)).count).toBe(2);
    expect((await contactSegments(x)).sort()).toEqual(['n-nested', 'n-one', 'n-only-one']);
    expect((await contactSegments(y)).sort()).toEqual(['n-one', 'n-two']);

    // Unknown (or deleted, or foreign) segments have no members, as unknown labels do.
    const unknown = encodeGlobalId('Segment', 987654);
    expect(await ids({ segmentIds: { any: [unknown] } })).toEqual([]);
    expect(await ids({ segmentIds: { none: [unknown] } })).toEqual([x, y, z].sort());
    const wrong = await filteredIds({ segmentIds: { any: [l1] } });
    expect(wrong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    // A cycle, direct or through another segment, is refused on save.
    const self = await updateSegment({ id: one, filter: { segmentIds: { any: [one] } } });
    expect(self.__typename).toBe('ValidationError');
    expect(self.fieldErrors[0].path).toEqual(['filter', 'segmentIds', 'any', '0']);
    expect(self.fieldErrors[0].message).toContain('cycle');
    const loop = await updateSegment({ id: one, filter: { segmentIds: { none: [nested] } } });
    expect(loop.__typename).toBe('ValidationError');
    expect(loop.fieldErrors[0].message).toContain('cycle');

    // A segment another refers to cannot be deleted; the referrer is named.
    const refused = await deleteSegment(onlyOne);
    expect(refused.__typename).toBe('ConflictError');
    expect(refused.message).toContain('"n-nested"');
    expect((await deleteSegment(nested)).__typename).toBe('DeleteSegmentSuccess');
    expect((await deleteSegment(onlyOne)).__typename).toBe('DeleteSegmentSuccess');
  });

  it('a segment with includeDeleted counts deleted contacts', async () => {
    const id = await createContact({ name: 'd-gone', email: 'd-gone@x.test' });
    const seg = await segmentId({
      name: 'deleted ones',
      filter: { includeDeleted: true, name: { eq: 'd-gone' } },
    });
    await run(
      `mutation($input: DeleteContactInput!) { deleteContact(input: $input) { __typename } }`,
      {
        input: { id },
      },
    );
    expect(await members(seg)).toEqual({ count: 1, total: 1, ids: [id] });
    const live = await segmentId({ name: 'live ones', filter: { name: { eq: 'd-gone' } } });
    expect((await members(live)).count).toBe(0);
  });
});

describe('a stored filter that stops working', () => {
  it('makes its segment match nobody instead of failing reads', async () => {
    const contact = await createContact({ name: 'br-1', email: 'br-1@x.test' });
    const filter = { attributes: [{ key: 'brnum', gt: 'a' }] };
    const seg = await segmentId({ name: 'br-broken', filter });
    // Typing the key as a number: the stored operand "a" no longer converts.
    const defined = await run(
      `mutation($input: CreateAttributeDefinitionInput!) { createAttributeDefinition(input: $input) {
        __typename ... on Error { message } } }`,
      { input: { key: 'brnum', name: 'Number', type: 'NUMBER' } },
    );
    expect(defined.createAttributeDefinition.__typename).toBe('CreateAttributeDefinitionSuccess');
    const direct = await filteredIds(filter);
    expect(direct.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const after = await gql(
      `query($id: ID!, $c: ID!) { segment(id: $id) { count contacts { totalCount } }
        node(id: $c) { ... on Contact { segments { name } } } }`,
      { id: seg, c: contact },
    );
    expect(after.errors).toBeUndefined();
    expect(after.data.segment).toEqual({ count: 0, contacts: { totalCount: 0 } });
    expect(after.data.node.segments.map((s: Data) => s.name)).not.toContain('br-broken');
    // Saving it again is refused, with the path into the filter.
    const again = await updateSegment({ id: seg, filter });
    expect(again.__typename).toBe('ValidationError');
    expect(again.fieldErrors[0].path.slice(0, 3)).toEqual(['filter', 'attributes', '0']);
  });
});

describe('batching', () => {
  it('a page of 50 contacts with their segments costs the same statements as 10', async () => {
    const tag = await createLabel('b-tag');
    for (let i = 0; i < 50; i += 1) {
      await createContact({
        name: `b-${String(i).padStart(2, '0')}`,
        email: `b-${i}@x.test`,
        ...(i % 2 === 0 ? { labelIds: [tag] } : {}),
      });
    }
    const even = await segmentId({ name: 'b-even', filter: { labels: { any: [tag] } } });
    // Referring to another segment costs one statement per nesting level, for all of them.
    await segmentId({
      name: 'b-ref',
      filter: { segmentIds: { any: [even] }, name: { startsWith: 'b-1' } },
    });
    await segmentId({ name: 'b-low', filter: { name: { startsWith: 'b-0' } } });
    const query = `query($first: Int!) { contacts(first: $first, filter: { name: { startsWith: "b-" } },
      orderBy: [{ field: NAME, direction: ASC }]) { edges { node { id segments { id name } } } } }`;
    const measure = async (first: number) => {
      let data: Data;
      const statements = await t.countStatements(async () => {
        data = dataOf(await gql(query, { first }));
      });
      return { data, statements };
    };
    const small = await measure(10);
    const large = await measure(50);
    const names = large.data.contacts.edges.map((e: Data) =>
      e.node.segments.map((s: Data) => s.name).filter((n: string) => n.startsWith('b-')),
    );
    expect(names[0]).toEqual(['b-even', 'b-low']);
    expect(names[1]).toEqual(['b-low']);
    expect(names[10]).toEqual(['b-even', 'b-ref']);
    expect(names[11]).toEqual([]);
    // key, contacts, segments, the attribute schema when not cached (br-broken compares an
    // attribute), their memberships
    expect(large.statements).toBeLessThanOrEqual(5);
    expect(large.statements).toBe(small.statements);
  });

  it('many segments with contacts and counts cost the same statements as one', async () => {
    const query = `query($first: Int!) { segments(first: $first) { edges { node {
      name count contacts(first: 3) { totalCount edges { node { id segments { id } } } } } } } }`;
    const measure = async (first: number) => {
      let data: Data;
      const statements = await t.countStatements(async () => {
        data = dataOf(await gql(query, { first }));
      });
      return { data, statements };
    };
    const one = await measure(1);
    const all = await measure(100);
    expect(all.data.segments.edges.length).toBeGreaterThan(5);
    const counts = Object.fromEntries(
      all.data.segments.edges.map((e: Data) => [e.node.name, e.node.count]),
    );
    expect(counts).toMatchObject({ 'b-even': 25, 'b-ref': 5, 'b-low': 10 });
    // key, segments, counts, contact pages, their totals, all segments (for Contact.segments),
    // memberships; plus one statement for the level of segments that b-ref refers to. (The
    // attribute schema comes from the process's cache: an earlier request read it.)
    expect(one.statements).toBe(7);
    expect(all.statements).toBe(one.statements + 1);
  });
});

describe('isolation', () => {
  it('another workspace cannot see, use, change or delete a segment', async () => {
    const seg = await segmentId({ name: 'iso-a', filter: {} });
    const b = t.b.keys.admin;
    expect(
      (await run(`query($id: ID!) { segment(id: $id) { id } }`, { id: seg }, b)).segment,
    ).toBeNull();
    expect((await run(`query($id: ID!) { node(id: $id) { id } }`, { id: seg }, b)).node).toBeNull();
    expect(
      (await run(`{ segments(first: 100) { totalCount } }`, undefined, b)).segments.totalCount,
    ).toBe(0);
    expect((await updateSegment({ id: seg, name: 'hijack' }, b)).__typename).toBe('NotFoundError');
    expect((await deleteSegment(seg, b)).__typename).toBe('NotFoundError');
    // Referring to it from B: refused on save, no members in a query.
    const ref = await createSegment({ name: 'iso-b', filter: { segmentIds: { any: [seg] } } }, b);
    expect(ref.__typename).toBe('ValidationError');
    const bContact = await createContact({ name: 'iso-b-contact', email: 'iso@b.test' }, b);
    const bSegments = await run(
      `query($id: ID!) { node(id: $id) { ... on Contact { segments { id } } } }`,
      { id: bContact },
      b,
    );
    expect(bSegments.node.segments).toEqual([]);
    // A's key cannot read B's contact (nor its segments).
    expect(
      (await run(`query($id: ID!) { node(id: $id) { id } }`, { id: bContact })).node,
    ).toBeNull();
    const q = await t.gql<Data, Record<string, unknown>>(
      `query($f: ContactFilter) { contacts(filter: $f) { totalCount } }`,
      { f: { segmentIds: { any: [seg] } } },
      { key: b },
    );
    expect(dataOf(q).contacts.totalCount).toBe(0);
    // A's segment is still A's.
    expect(
      (await run(`query($id: ID!) { segment(id: $id) { name } }`, { id: seg })).segment.name,
    ).toBe('iso-a');
  });
});
