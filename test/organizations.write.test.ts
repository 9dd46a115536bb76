import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../src/global-id.js';
import { graphql } from './gql/index.js';
import { dataOf, startTestServer, type TestServer } from './harness.js';

/**
 * Organization mutations through the server: normalization, validation of every field with
 * nothing written on failure, case-insensitive uniqueness per workspace, partial updates,
 * delete detaching contacts, and what read-only keys and other workspaces' IDs may not do.
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
  fragment OrganizationsWriteErrors on Error {
    __typename
    message
    code
    ... on ValidationError { fieldErrors { path message } }
    ... on NotFoundError { field }
    ... on ConflictError { field }
  }
`);

const Create = graphql(`
  mutation OrganizationsWriteCreate($input: CreateOrganizationInput!) {
    createOrganization(input: $input) {
      __typename
      ... on CreateOrganizationSuccess {
        organization { id name domain customAttributes createdAt updatedAt }
      }
      ...OrganizationsWriteErrors
    }
  }
`);

const Update = graphql(`
  mutation OrganizationsWriteUpdate($input: UpdateOrganizationInput!) {
    updateOrganization(input: $input) {
      __typename
      ... on UpdateOrganizationSuccess {
        organization { id name domain customAttributes createdAt updatedAt }
      }
      ...OrganizationsWriteErrors
    }
  }
`);

const Delete = graphql(`
  mutation OrganizationsWriteDelete($input: DeleteOrganizationInput!) {
    deleteOrganization(input: $input) {
      __typename
      ... on DeleteOrganizationSuccess { deletedOrganizationId }
      ...OrganizationsWriteErrors
    }
  }
`);

const Count = graphql(`
  query OrganizationsWriteCount {
    organizations(first: 1) { totalCount }
  }
`);

const Get = graphql(`
  query OrganizationsWriteGet($id: ID!) {
    organization(id: $id) { id name domain customAttributes }
  }
`);

const CreateContact = graphql(`
  mutation OrganizationsWriteCreateContact($input: CreateContactInput!) {
    createContact(input: $input) {
      __typename
      ... on CreateContactSuccess { contact { id organization { id } } }
    }
  }
`);

const GetContact = graphql(`
  query OrganizationsWriteGetContact($id: ID!) {
    contact(id: $id) { id organization { id } }
  }
`);

async function count(key = t.a.keys.admin): Promise<number> {
  return dataOf(await t.gql(Count, {}, { key })).organizations.totalCount;
}

async function create(input: { name: string; domain?: string | null }, key = t.a.keys.admin) {
  const result = dataOf(await t.gql(Create, { input }, { key })).createOrganization;
  if (result.__typename !== 'CreateOrganizationSuccess') {
    throw new Error(`create failed: ${JSON.stringify(result)}`);
  }
  return result.organization;
}

describe('createOrganization', () => {
  it('creates an organization with a trimmed name and a lower-cased domain', async () => {
    const name = unique('Acme ');
    const domain = `${unique('acme')}.EXAMPLE.com`;
    const result = dataOf(
      await t.gql(Create, {
        input: { name: `  ${name}  `, domain: `  ${domain} `, customAttributes: { tier: 'gold' } },
      }),
    ).createOrganization;
    expect(result.__typename).toBe('CreateOrganizationSuccess');
    if (result.__typename !== 'CreateOrganizationSuccess') return;
    expect(result.organization).toMatchObject({
      name,
      domain: domain.toLowerCase(),
      customAttributes: { tier: 'gold' },
    });
    const read = dataOf(await t.gql(Get, { id: result.organization.id })).organization;
    expect(read).toEqual({
      id: result.organization.id,
      name,
      domain: domain.toLowerCase(),
      customAttributes: { tier: 'gold' },
    });
  });

  it('creates an organization without a domain or attributes', async () => {
    const org = await create({ name: unique('Bare ') });
    expect(org.domain).toBeNull();
    expect(org.customAttributes).toEqual({});
  });

  const invalid: [string, Record<string, unknown>, string[]][] = [
    ['an empty name', { name: '   ' }, ['name']],
    ['a name over 300 characters', { name: 'x'.repeat(301) }, ['name']],
    ['a domain that is not a hostname', { name: 'Org', domain: 'not a domain' }, ['domain']],
    ['a domain given as a URL', { name: 'Org', domain: 'https://acme.com/' }, ['domain']],
    ['a domain without a dot', { name: 'Org', domain: 'localhost' }, ['domain']],
    [
      'custom attributes that are not an object',
      { name: 'Org', customAttributes: [1] },
      ['customAttributes'],
    ],
    [
      'a custom attribute key with spaces',
      { name: 'Org', customAttributes: { 'a b': 1 } },
      ['customAttributes', 'a b'],
    ],
    [
      'more than 100 custom attributes',
      {
        name: 'Org',
        customAttributes: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i])),
      },
      ['customAttributes'],
    ],
    [
      'custom attributes nested deeper than 5',
      { name: 'Org', customAttributes: { a: { b: { c: { d: { e: { f: 1 } } } } } } },
      ['customAttributes'],
    ],
  ];
  for (const [what, input, path] of invalid) {
    it(`rejects ${what}, writing nothing`, async () => {
      const before = await count();
      const result = dataOf(
        await t.gql(Create, { input: input as { name: string } }),
      ).createOrganization;
      expect(result.__typename).toBe('ValidationError');
      if (result.__typename !== 'ValidationError') return;
      expect(result.code).toBe('VALIDATION_FAILED');
      expect(result.fieldErrors.map((e) => e.path)).toContainEqual(path);
      expect(await count()).toBe(before);
    });
  }

  it('reports a name already used, ignoring case, as a ConflictError', async () => {
    const name = unique('Globex ');
    await create({ name });
    const before = await count();
    const result = dataOf(
      await t.gql(Create, { input: { name: name.toUpperCase() } }),
    ).createOrganization;
    expect(result).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', field: 'name' });
    expect(await count()).toBe(before);
  });

  it('reports a domain already used, ignoring case, as a ConflictError', async () => {
    const domain = `${unique('initech')}.com`;
    await create({ name: unique('Initech '), domain });
    const result = dataOf(
      await t.gql(Create, { input: { name: unique('Other '), domain: domain.toUpperCase() } }),
    ).createOrganization;
    expect(result).toMatchObject({ __typename: 'ConflictError', field: 'domain' });
  });

  it('lets another workspace use the same name and domain', async () => {
    const name = unique('Shared ');
    const domain = `${unique('shared')}.com`;
    await create({ name, domain });
    const other = await create({ name, domain }, t.b.keys.admin);
    expect(other).toMatchObject({ name, domain });
  });

  it('lets exactly one of concurrent creations of one name win', async () => {
    const name = unique('Race ');
    const results = await Promise.all(
      Array.from({ length: 8 }, () => t.gql(Create, { input: { name } })),
    );
    const types = results.map((r) => dataOf(r).createOrganization.__typename);
    expect(types.filter((x) => x === 'CreateOrganizationSuccess')).toHaveLength(1);
    expect(types.filter((x) => x === 'ConflictError')).toHaveLength(7);
  });

  it('refuses a read-only key with FORBIDDEN and writes nothing', async () => {
    const before = await count();
    const response = await t.gql(
      Create,
      { input: { name: unique('Forbidden ') } },
      { key: t.a.keys.read },
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(response.data?.createOrganization ?? null).toBeNull();
    expect(await count()).toBe(before);
  });
});

describe('updateOrganization', () => {
  it('changes only the given fields', async () => {
    const org = await create({ name: unique('Keep '), domain: `${unique('keep')}.com` });
    const name = unique('Renamed ');
    const result = dataOf(
      await t.gql(Update, { input: { id: org.id, name: ` ${name} ` } }),
    ).updateOrganization;
    expect(result.__typename).toBe('UpdateOrganizationSuccess');
    if (result.__typename !== 'UpdateOrganizationSuccess') return;
    expect(result.organization).toMatchObject({ id: org.id, name, domain: org.domain });
    expect(new Date(result.organization.updatedAt).getTime()).toBeGreaterThanOrEqual(
      new Date(org.updatedAt).getTime(),
    );
  });

  it('clears the domain with null and merges custom attributes', async () => {
    const created = dataOf(
      await t.gql(Create, {
        input: {
          name: unique('Attrs '),
          domain: `${unique('attrs')}.com`,
          customAttributes: { a: 1, b: 2 },
        },
      }),
    ).createOrganization;
    if (created.__typename !== 'CreateOrganizationSuccess') throw new Error('create failed');
    const id = created.organization.id;
    const result = dataOf(
      await t.gql(Update, { input: { id, domain: null, customAttributes: { b: null, c: 3 } } }),
    ).updateOrganization;
    expect(result).toMatchObject({
      __typename: 'UpdateOrganizationSuccess',
      organization: { domain: null, customAttributes: { a: 1, c: 3 } },
    });
    const cleared = dataOf(
      await t.gql(Update, { input: { id, customAttributes: null } }),
    ).updateOrganization;
    expect(cleared).toMatchObject({ organization: { customAttributes: {} } });
  });

  const invalid: [string, Record<string, unknown>, string[]][] = [
    ['a null name', { name: null }, ['name']],
    ['an empty name', { name: ' ' }, ['name']],
    ['a name over 300 characters', { name: 'y'.repeat(301) }, ['name']],
    ['a bad domain', { domain: 'acme..com' }, ['domain']],
    ['bad custom attributes', { customAttributes: 'text' }, ['customAttributes']],
  ];
  for (const [what, fields, path] of invalid) {
    it(`rejects ${what}, changing nothing`, async () => {
      const org = await create({ name: unique('Stable '), domain: `${unique('stable')}.com` });
      const result = dataOf(
        await t.gql(Update, { input: { id: org.id, ...fields } }),
      ).updateOrganization;
      expect(result.__typename).toBe('ValidationError');
      if (result.__typename !== 'ValidationError') return;
      expect(result.fieldErrors.map((e) => e.path)).toContainEqual(path);
      const read = dataOf(await t.gql(Get, { id: org.id })).organization;
      expect(read).toMatchObject({ name: org.name, domain: org.domain });
    });
  }

  it('rejects an ID of another type as a ValidationError on id', async () => {
    const result = dataOf(
      await t.gql(Update, { input: { id: encodeGlobalId('Label', '1'), name: 'X' } }),
    ).updateOrganization;
    expect(result).toMatchObject({
      __typename: 'ValidationError',
      fieldErrors: [{ path: ['id'] }],
    });
  });

  it('reports a name taken by another organization as a ConflictError', async () => {
    const taken = await create({ name: unique('Taken ') });
    const org = await create({ name: unique('Mine ') });
    const result = dataOf(
      await t.gql(Update, { input: { id: org.id, name: taken.name.toLowerCase() } }),
    ).updateOrganization;
    expect(result).toMatchObject({ __typename: 'ConflictError', field: 'name' });
    const read = dataOf(await t.gql(Get, { id: org.id })).organization;
    expect(read?.name).toBe(org.name);
  });

  it('lets an organization keep its own name in another case', async () => {
    const org = await create({ name: unique('case ') });
    const result = dataOf(
      await t.gql(Update, { input: { id: org.id, name: org.name.toUpperCase() } }),
    ).updateOrganization;
    expect(result).toMatchObject({ organization: { name: org.name.toUpperCase() } });
  });

  it('answers NotFoundError for an unknown ID and for another workspace’s, leaving it unchanged', async () => {
    const missing = dataOf(
      await t.gql(Update, {
        input: { id: encodeGlobalId('Organization', '999999999'), name: 'X' },
      }),
    ).updateOrganization;
    expect(missing).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND', field: 'id' });
    const theirs = await create(
      { name: unique('Theirs '), domain: `${unique('theirs')}.com` },
      t.b.keys.admin,
    );
    const foreign = dataOf(
      await t.gql(Update, { input: { id: theirs.id, name: 'Hijacked' } }),
    ).updateOrganization;
    expect(foreign).toEqual(missing);
    const read = dataOf(await t.gql(Get, { id: theirs.id }, { key: t.b.keys.read })).organization;
    expect(read).toMatchObject({ name: theirs.name, domain: theirs.domain });
  });

  it('refuses a read-only key with FORBIDDEN and changes nothing', async () => {
    const org = await create({ name: unique('ReadOnly ') });
    const response = await t.gql(
      Update,
      { input: { id: org.id, name: 'Changed' } },
      { key: t.a.keys.read },
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const read = dataOf(await t.gql(Get, { id: org.id })).organization;
    expect(read?.name).toBe(org.name);
  });
});

describe('deleteOrganization', () => {
  it('deletes the organization and detaches its contacts, which stay', async () => {
    const org = await create({ name: unique('Doomed ') });
    const contact = dataOf(
      await t.gql(CreateContact, {
        input: {
          name: 'Employee',
          email: `${unique('emp')}@doomed.example.com`,
          organizationId: org.id,
        },
      }),
    ).createContact;
    if (contact.__typename !== 'CreateContactSuccess') throw new Error('contact not created');
    expect(contact.contact.organization?.id).toBe(org.id);
    const before = await count();
    const result = dataOf(await t.gql(Delete, { input: { id: org.id } })).deleteOrganization;
    expect(result).toEqual({
      __typename: 'DeleteOrganizationSuccess',
      deletedOrganizationId: org.id,
    });
    expect(await count()).toBe(before - 1);
    expect(dataOf(await t.gql(Get, { id: org.id })).organization).toBeNull();
    const read = dataOf(await t.gql(GetContact, { id: contact.contact.id })).contact;
    expect(read).toEqual({ id: contact.contact.id, organization: null });
  });

  it('answers NotFoundError for an unknown, a deleted and another workspace’s ID', async () => {
    const org = await create({ name: unique('Twice ') });
    dataOf(await t.gql(Delete, { input: { id: org.id } }));
    const again = dataOf(await t.gql(Delete, { input: { id: org.id } })).deleteOrganization;
    expect(again).toMatchObject({ __typename: 'NotFoundError', field: 'id' });
    const theirs = await create({ name: unique('Foreign ') }, t.b.keys.admin);
    const beforeB = await count(t.b.keys.read);
    const foreign = dataOf(await t.gql(Delete, { input: { id: theirs.id } })).deleteOrganization;
    expect(foreign).toMatchObject({ __typename: 'NotFoundError', field: 'id' });
    expect(await count(t.b.keys.read)).toBe(beforeB);
    expect(
      dataOf(await t.gql(Get, { id: theirs.id }, { key: t.b.keys.read })).organization?.id,
    ).toBe(theirs.id);
  });

  it('rejects a malformed ID as a ValidationError on id', async () => {
    const result = dataOf(await t.gql(Delete, { input: { id: 'nope' } })).deleteOrganization;
    expect(result).toMatchObject({
      __typename: 'ValidationError',
      fieldErrors: [{ path: ['id'] }],
    });
  });

  it('refuses a read-only key with FORBIDDEN and deletes nothing', async () => {
    const org = await create({ name: unique('Survivor ') });
    const response = await t.gql(Delete, { input: { id: org.id } }, { key: t.a.keys.read });
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(dataOf(await t.gql(Get, { id: org.id })).organization?.id).toBe(org.id);
  });
});
