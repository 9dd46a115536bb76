import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../src/global-id.js';
import { graphql } from './gql/index.js';
import { dataOf, startTestServer, type TestServer } from './harness.js';

/**
 * Label mutations through the server: defaults, validation of every field with nothing written
 * on failure, case-insensitive unique names per workspace, partial updates, delete taking the
 * label off contacts, and what read-only keys and other workspaces' IDs may not do.
 */

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

let counter = 0;
/** A value no other test uses. */
const unique = (prefix: string) => `${prefix}${++counter}`;

graphql(`
  fragment LabelsWriteErrors on Error {
    __typename
    message
    code
    ... on ValidationError { fieldErrors { path message } }
    ... on NotFoundError { field }
    ... on ConflictError { field }
  }
`);

const Create = graphql(`
  mutation LabelsWriteCreate($input: CreateLabelInput!) {
    createLabel(input: $input) {
      __typename
      ... on CreateLabelSuccess { label { id name color description kind updatedAt } }
      ...LabelsWriteErrors
    }
  }
`);

const Update = graphql(`
  mutation LabelsWriteUpdate($input: UpdateLabelInput!) {
    updateLabel(input: $input) {
      __typename
      ... on UpdateLabelSuccess { label { id name color description kind updatedAt } }
      ...LabelsWriteErrors
    }
  }
`);

const Delete = graphql(`
  mutation LabelsWriteDelete($input: DeleteLabelInput!) {
    deleteLabel(input: $input) {
      __typename
      ... on DeleteLabelSuccess { deletedLabelId }
      ...LabelsWriteErrors
    }
  }
`);

const Count = graphql(`
  query LabelsWriteCount {
    labels(first: 1) { totalCount }
  }
`);

const Get = graphql(`
  query LabelsWriteGet($id: ID!) {
    node(id: $id) { id ... on Label { name color description kind } }
  }
`);

const CreateContact = graphql(`
  mutation LabelsWriteCreateContact($input: CreateContactInput!) {
    createContact(input: $input) {
      __typename
      ... on CreateContactSuccess { contact { id labels { id } } }
    }
  }
`);

const GetContact = graphql(`
  query LabelsWriteGetContact($id: ID!) {
    contact(id: $id) { id labels { id } }
  }
`);

async function count(key = t.a.keys.admin): Promise<number> {
  return dataOf(await t.gql(Count, {}, { key })).labels.totalCount;
}

async function create(input: { name: string; color?: string }, key = t.a.keys.admin) {
  const result = dataOf(await t.gql(Create, { input }, { key })).createLabel;
  if (result.__typename !== 'CreateLabelSuccess') {
    throw new Error(`create failed: ${JSON.stringify(result)}`);
  }
  return result.label;
}

describe('createLabel', () => {
  it('creates a label with the default color and kind', async () => {
    const name = unique('vip-');
    const result = dataOf(await t.gql(Create, { input: { name: `  ${name} ` } })).createLabel;
    expect(result).toMatchObject({
      __typename: 'CreateLabelSuccess',
      label: { name, color: '#6B7280', description: null, kind: 'MANUAL' },
    });
  });

  it('stores color (upper-cased), description and kind', async () => {
    const name = unique('Churn risk ');
    const label = dataOf(
      await t.gql(Create, {
        input: { name, color: '#ff00aa', description: ' Might leave ', kind: 'AUTOMATIC' },
      }),
    ).createLabel;
    expect(label).toMatchObject({
      label: { name, color: '#FF00AA', description: 'Might leave', kind: 'AUTOMATIC' },
    });
    if (label.__typename !== 'CreateLabelSuccess') return;
    const read = dataOf(await t.gql(Get, { id: label.label.id })).node;
    expect(read).toMatchObject({ name, color: '#FF00AA', kind: 'AUTOMATIC' });
  });

  const invalid: [string, Record<string, unknown>, string[]][] = [
    ['an empty name', { name: '  ' }, ['name']],
    ['a name over 100 characters', { name: 'n'.repeat(101) }, ['name']],
    ['a color without #', { name: 'L', color: 'FF00AA' }, ['color']],
    ['a short color', { name: 'L', color: '#FFF' }, ['color']],
    ['a color name', { name: 'L', color: 'red' }, ['color']],
    ['a null color', { name: 'L', color: null }, ['color']],
    [
      'a description over 1000 characters',
      { name: 'L', description: 'd'.repeat(1001) },
      ['description'],
    ],
    ['a null kind', { name: 'L', kind: null }, ['kind']],
  ];
  for (const [what, input, path] of invalid) {
    it(`rejects ${what}, writing nothing`, async () => {
      const before = await count();
      const result = dataOf(await t.gql(Create, { input: input as { name: string } })).createLabel;
      expect(result.__typename).toBe('ValidationError');
      if (result.__typename !== 'ValidationError') return;
      expect(result.fieldErrors.map((e) => e.path)).toContainEqual(path);
      expect(await count()).toBe(before);
    });
  }

  it('rejects an unknown kind as a GraphQL error, writing nothing', async () => {
    const before = await count();
    const response = await t.gql(Create, {
      input: { name: unique('k'), kind: 'OTHER' as 'MANUAL' },
    });
    expect(response.errors?.length).toBeGreaterThan(0);
    expect(await count()).toBe(before);
  });

  it('reports a name already used, ignoring case, as a ConflictError', async () => {
    const name = unique('Partner ');
    await create({ name });
    const before = await count();
    const result = dataOf(await t.gql(Create, { input: { name: name.toUpperCase() } })).createLabel;
    expect(result).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', field: 'name' });
    expect(await count()).toBe(before);
  });

  it('lets another workspace use the same name', async () => {
    const name = unique('Shared ');
    await create({ name });
    expect((await create({ name }, t.b.keys.admin)).name).toBe(name);
  });

  it('lets exactly one of concurrent creations of one name win', async () => {
    const name = unique('race-');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.gql(Create, { input: { name: i % 2 ? name : name.toUpperCase() } }),
      ),
    );
    const types = results.map((r) => dataOf(r).createLabel.__typename);
    expect(types.filter((x) => x === 'CreateLabelSuccess')).toHaveLength(1);
    expect(types.filter((x) => x === 'ConflictError')).toHaveLength(7);
  });

  it('refuses a read-only key with FORBIDDEN and writes nothing', async () => {
    const before = await count();
    const response = await t.gql(
      Create,
      { input: { name: unique('ro-') } },
      { key: t.a.keys.read },
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await count()).toBe(before);
  });
});

describe('updateLabel', () => {
  it('changes only the given fields and clears the description with null', async () => {
    const created = dataOf(
      await t.gql(Create, {
        input: { name: unique('old-'), color: '#112233', description: 'Desc' },
      }),
    ).createLabel;
    if (created.__typename !== 'CreateLabelSuccess') throw new Error('create failed');
    const { id } = created.label;
    const name = unique('new-');
    const renamed = dataOf(await t.gql(Update, { input: { id, name } })).updateLabel;
    expect(renamed).toMatchObject({
      __typename: 'UpdateLabelSuccess',
      label: { id, name, color: '#112233', description: 'Desc', kind: 'MANUAL' },
    });
    const changed = dataOf(
      await t.gql(Update, { input: { id, color: '#abcdef', description: null, kind: 'SYSTEM' } }),
    ).updateLabel;
    expect(changed).toMatchObject({
      label: { id, name, color: '#ABCDEF', description: null, kind: 'SYSTEM' },
    });
  });

  const invalid: [string, Record<string, unknown>, string[]][] = [
    ['a null name', { name: null }, ['name']],
    ['an empty name', { name: '' }, ['name']],
    ['a name over 100 characters', { name: 'n'.repeat(101) }, ['name']],
    ['a bad color', { color: '#GGGGGG' }, ['color']],
    ['a null color', { color: null }, ['color']],
    ['a description over 1000 characters', { description: 'd'.repeat(1001) }, ['description']],
    ['a null kind', { kind: null }, ['kind']],
  ];
  for (const [what, fields, path] of invalid) {
    it(`rejects ${what}, changing nothing`, async () => {
      const label = await create({ name: unique('stable-'), color: '#010203' });
      const result = dataOf(
        await t.gql(Update, { input: { id: label.id, ...fields } }),
      ).updateLabel;
      expect(result.__typename).toBe('ValidationError');
      if (result.__typename !== 'ValidationError') return;
      expect(result.fieldErrors.map((e) => e.path)).toContainEqual(path);
      const read = dataOf(await t.gql(Get, { id: label.id })).node;
      expect(read).toMatchObject({ name: label.name, color: '#010203', kind: 'MANUAL' });
    });
  }

  it('reports a name taken by another label as a ConflictError', async () => {
    const taken = await create({ name: unique('taken-') });
    const label = await create({ name: unique('mine-') });
    const result = dataOf(
      await t.gql(Update, { input: { id: label.id, name: taken.name.toUpperCase() } }),
    ).updateLabel;
    expect(result).toMatchObject({ __typename: 'ConflictError', field: 'name' });
    expect(dataOf(await t.gql(Get, { id: label.id })).node).toMatchObject({ name: label.name });
  });

  it('answers NotFoundError for an unknown ID and for another workspace’s, leaving it unchanged', async () => {
    const missing = dataOf(
      await t.gql(Update, { input: { id: encodeGlobalId('Label', '999999999'), name: 'x' } }),
    ).updateLabel;
    expect(missing).toMatchObject({ __typename: 'NotFoundError', field: 'id' });
    const theirs = await create({ name: unique('theirs-') }, t.b.keys.admin);
    const foreign = dataOf(
      await t.gql(Update, { input: { id: theirs.id, name: 'hijacked' } }),
    ).updateLabel;
    expect(foreign).toEqual(missing);
    const read = dataOf(await t.gql(Get, { id: theirs.id }, { key: t.b.keys.read })).node;
    expect(read).toMatchObject({ name: theirs.name });
  });

  it('rejects an ID of another type as a ValidationError on id', async () => {
    const result = dataOf(
      await t.gql(Update, { input: { id: encodeGlobalId('Organization', '1'), name: 'x' } }),
    ).updateLabel;
    expect(result).toMatchObject({
      __typename: 'ValidationError',
      fieldErrors: [{ path: ['id'] }],
    });
  });

  it('refuses a read-only key with FORBIDDEN and changes nothing', async () => {
    const label = await create({ name: unique('keep-') });
    const response = await t.gql(
      Update,
      { input: { id: label.id, name: 'x' } },
      { key: t.a.keys.read },
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(dataOf(await t.gql(Get, { id: label.id })).node).toMatchObject({ name: label.name });
  });
});

describe('deleteLabel', () => {
  it('deletes the label and takes it off its contacts, which stay', async () => {
    const doomed = await create({ name: unique('doomed-') });
    const kept = await create({ name: unique('kept-') });
    const contact = dataOf(
      await t.gql(CreateContact, {
        input: { name: 'Tagged', labelIds: [doomed.id, kept.id] },
      }),
    ).createContact;
    if (contact.__typename !== 'CreateContactSuccess') throw new Error('contact not created');
    expect(contact.contact.labels).toHaveLength(2);
    const before = await count();
    const result = dataOf(await t.gql(Delete, { input: { id: doomed.id } })).deleteLabel;
    expect(result).toEqual({ __typename: 'DeleteLabelSuccess', deletedLabelId: doomed.id });
    expect(await count()).toBe(before - 1);
    expect(dataOf(await t.gql(Get, { id: doomed.id })).node).toBeNull();
    const read = dataOf(await t.gql(GetContact, { id: contact.contact.id })).contact;
    expect(read).toEqual({ id: contact.contact.id, labels: [{ id: kept.id }] });
  });

  it('answers NotFoundError for an unknown, a deleted and another workspace’s ID', async () => {
    const label = await create({ name: unique('twice-') });
    dataOf(await t.gql(Delete, { input: { id: label.id } }));
    const again = dataOf(await t.gql(Delete, { input: { id: label.id } })).deleteLabel;
    expect(again).toMatchObject({ __typename: 'NotFoundError', field: 'id' });
    const theirs = await create({ name: unique('foreign-') }, t.b.keys.admin);
    const beforeB = await count(t.b.keys.read);
    const foreign = dataOf(await t.gql(Delete, { input: { id: theirs.id } })).deleteLabel;
    expect(foreign).toMatchObject({ __typename: 'NotFoundError', field: 'id' });
    expect(await count(t.b.keys.read)).toBe(beforeB);
    expect(dataOf(await t.gql(Get, { id: theirs.id }, { key: t.b.keys.read })).node?.id).toBe(
      theirs.id,
    );
  });

  it('rejects a malformed ID as a ValidationError on id', async () => {
    const result = dataOf(await t.gql(Delete, { input: { id: '!!' } })).deleteLabel;
    expect(result).toMatchObject({
      __typename: 'ValidationError',
      fieldErrors: [{ path: ['id'] }],
    });
  });

  it('refuses a read-only key with FORBIDDEN and deletes nothing', async () => {
    const label = await create({ name: unique('survivor-') });
    const response = await t.gql(Delete, { input: { id: label.id } }, { key: t.a.keys.read });
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(dataOf(await t.gql(Get, { id: label.id })).node?.id).toBe(label.id);
  });
});
