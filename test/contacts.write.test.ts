import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGlobalId, encodeGlobalId } from '../src/global-id.js';
import { graphql } from './gql/index.js';
import { dataOf, startTestServer, type TestServer } from './harness.js';

/**
 * Contact mutations executed through the server: normalization, validation of every field
 * (nothing written on failure), per-workspace uniqueness under concurrency, partial updates,
 * soft delete and restore, labels, and what read-only and foreign keys may not do.
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
  fragment ContactsWriteContact on Contact {
    id
    externalId
    name
    givenName
    middleName
    lastName
    email
    phone
    avatarUrl
    timezone
    location
    countryCode
    blocked
    customAttributes
    deletedAt
    organization { id }
    labels { id }
    conversations(first: 10) { totalCount edges { node { id } } }
  }
`);

graphql(`
  fragment ContactsWriteErrors on Error {
    __typename
    message
    code
    ... on ValidationError { fieldErrors { path message } }
    ... on NotFoundError { field }
    ... on ConflictError { field existingContact { id } }
  }
`);

const Create = graphql(`
  mutation ContactsWriteCreate($input: CreateContactInput!) {
    createContact(input: $input) {
      __typename
      ... on CreateContactSuccess { contact { ...ContactsWriteContact } }
      ...ContactsWriteErrors
    }
  }
`);

const Update = graphql(`
  mutation ContactsWriteUpdate($input: UpdateContactInput!) {
    updateContact(input: $input) {
      __typename
      ... on UpdateContactSuccess { contact { ...ContactsWriteContact } }
      ...ContactsWriteErrors
    }
  }
`);

const Upsert = graphql(`
  mutation ContactsWriteUpsert($input: UpsertContactInput!) {
    upsertContact(input: $input) {
      __typename
      ... on UpsertContactSuccess { created contact { ...ContactsWriteContact } }
      ...ContactsWriteErrors
    }
  }
`);

const Delete = graphql(`
  mutation ContactsWriteDelete($input: DeleteContactInput!) {
    deleteContact(input: $input) {
      __typename
      ... on DeleteContactSuccess { contact { ...ContactsWriteContact } }
      ...ContactsWriteErrors
    }
  }
`);

const Restore = graphql(`
  mutation ContactsWriteRestore($input: RestoreContactInput!) {
    restoreContact(input: $input) {
      __typename
      ... on RestoreContactSuccess { contact { ...ContactsWriteContact } }
      ...ContactsWriteErrors
    }
  }
`);

const AddLabels = graphql(`
  mutation ContactsWriteAddLabels($input: ContactLabelsInput!) {
    addContactLabels(input: $input) {
      __typename
      ... on AddContactLabelsSuccess { contact { ...ContactsWriteContact } }
      ...ContactsWriteErrors
    }
  }
`);

const RemoveLabels = graphql(`
  mutation ContactsWriteRemoveLabels($input: ContactLabelsInput!) {
    removeContactLabels(input: $input) {
      __typename
      ... on RemoveContactLabelsSuccess { contact { ...ContactsWriteContact } }
      ...ContactsWriteErrors
    }
  }
`);

const Lookup = graphql(`
  query ContactsWriteLookup($id: ID, $externalId: String, $email: String, $phone: String) {
    contact(id: $id, externalId: $externalId, email: $email, phone: $phone) {
      ...ContactsWriteContact
    }
  }
`);

const NodeById = graphql(`
  query ContactsWriteNode($id: ID!) {
    node(id: $id) { __typename ... on Contact { ...ContactsWriteContact } }
  }
`);

const List = graphql(`
  query ContactsWriteList($filter: ContactFilter, $search: String) {
    contacts(first: 100, filter: $filter, search: $search) {
      totalCount
      edges { node { id deletedAt } }
    }
  }
`);

type Typed = { __typename: string };

/** Narrows a mutation result to one member of its union, failing the test otherwise. */
function as<T extends Typed, N extends T['__typename']>(
  value: T,
  typename: N,
): Extract<T, { __typename: N }> {
  expect(value.__typename, JSON.stringify(value)).toBe(typename);
  return value as Extract<T, { __typename: N }>;
}

type Input = Record<string, unknown>;
const key = (k?: string) => ({ key: k ?? t.a.keys.admin });

async function create(input: Input, k?: string) {
  return dataOf(await t.gql(Create, { input } as never, key(k))).createContact;
}
async function update(input: Input, k?: string) {
  return dataOf(await t.gql(Update, { input } as never, key(k))).updateContact;
}
async function upsert(input: Input, k?: string) {
  return dataOf(await t.gql(Upsert, { input } as never, key(k))).upsertContact;
}
async function del(id: string, k?: string) {
  return dataOf(await t.gql(Delete, { input: { id } }, key(k))).deleteContact;
}
async function restore(id: string, k?: string) {
  return dataOf(await t.gql(Restore, { input: { id } }, key(k))).restoreContact;
}
async function addLabels(contactId: string, labelIds: string[], k?: string) {
  return dataOf(await t.gql(AddLabels, { input: { contactId, labelIds } }, key(k)))
    .addContactLabels;
}
async function removeLabels(contactId: string, labelIds: string[], k?: string) {
  return dataOf(await t.gql(RemoveLabels, { input: { contactId, labelIds } }, key(k)))
    .removeContactLabels;
}
async function lookup(args: { id?: string; externalId?: string; email?: string; phone?: string }) {
  return dataOf(await t.gql(Lookup, args, key())).contact;
}
async function nodeOf(id: string, k?: string) {
  const node = dataOf(await t.gql(NodeById, { id }, key(k))).node;
  if (node?.__typename !== 'Contact') return null;
  const { __typename, ...contact } = node;
  return contact;
}

/** Creates a contact in A (or with `k`) and returns it. */
async function made(input: Input, k?: string) {
  return as(await create(input, k), 'CreateContactSuccess').contact;
}

const local = (globalId: string) => decodeGlobalId(globalId).id;

async function countRows(query: ReturnType<typeof sql<{ n: number }>>): Promise<number> {
  const { rows } = await query.execute(t.database.db);
  return Number(rows[0]?.n);
}

const contactCount = (workspaceId = t.a.id) =>
  countRows(sql<{ n: number }>`select count(*)::int as n from contacts
    where workspace_id = ${workspaceId}`);

const labelLinks = (contactId: string) =>
  countRows(sql<{ n: number }>`select count(*)::int as n from contact_labels
    where contact_id = ${local(contactId)}`);

async function rawContact(id: string) {
  const { rows } = await sql<Record<string, unknown>>`select * from contacts
    where id = ${local(id)}`.execute(t.database.db);
  return rows[0];
}

async function makeLabel(workspaceId: string, name = unique('label-')): Promise<string> {
  const { rows } = await sql<{ id: string }>`insert into labels (workspace_id, name)
    values (${workspaceId}, ${name}) returning id`.execute(t.database.db);
  return encodeGlobalId('Label', String(rows[0]?.id));
}

async function makeOrganization(workspaceId: string): Promise<string> {
  const { rows } = await sql<{ id: string }>`insert into organizations (workspace_id, name)
    values (${workspaceId}, ${unique('Org ')}) returning id`.execute(t.database.db);
  return encodeGlobalId('Organization', String(rows[0]?.id));
}

async function makeConversation(workspaceId: string, contactId: string): Promise<string> {
  const { rows } = await sql<{ id: string }>`insert into conversations
    (workspace_id, contact_id, channel) values (${workspaceId}, ${local(contactId)}, 'CHAT')
    returning id`.execute(t.database.db);
  return encodeGlobalId('Conversation', String(rows[0]?.id));
}

async function setPhoneRegion(region: string | null) {
  await sql`update workspaces set default_phone_region = ${region} where id = ${t.a.id}`.execute(
    t.database.db,
  );
}

/** Expects a ValidationError naming exactly `paths`, with nothing written. */
async function expectRejected(input: Input, paths: string[][]) {
  const before = await contactCount();
  const result = as(await create(input), 'ValidationError');
  expect(result.code).toBe('VALIDATION_FAILED');
  expect(
    result.fieldErrors.map((e) => e.path),
    JSON.stringify(result.fieldErrors),
  ).toEqual(expect.arrayContaining(paths));
  expect(result.fieldErrors).toHaveLength(paths.length);
  for (const e of result.fieldErrors) expect(e.message).not.toBe('');
  expect(await contactCount()).toBe(before);
  return result;
}

describe('createContact', () => {
  it('trims and normalizes every field', async () => {
    const email = unique('Mixed.Case');
    const contact = await made({
      externalId: `  ${unique('ext-')}  `,
      name: '  Ada Lovelace  ',
      givenName: ' Ada ',
      middleName: '   ',
      lastName: '',
      email: `  ${email}@Example.COM `,
      phone: '+1 (415) 555-0100',
      avatarUrl: ' https://example.com/ada.png ',
      timezone: ' Europe/London ',
      location: '  London ',
      countryCode: ' gb ',
      customAttributes: { plan: 'pro', seats: 3, gone: null },
    });
    expect(contact.externalId).toMatch(/^ext-\d+$/);
    expect(contact).toMatchObject({
      name: 'Ada Lovelace',
      givenName: 'Ada',
      middleName: null,
      lastName: null,
      email: `${email.toLowerCase()}@example.com`,
      phone: '+14155550100',
      avatarUrl: 'https://example.com/ada.png',
      timezone: 'Europe/London',
      location: 'London',
      countryCode: 'GB',
      blocked: false,
      customAttributes: { plan: 'pro', seats: 3 },
      deletedAt: null,
      organization: null,
      labels: [],
    });
    const row = await rawContact(contact.id);
    expect(row?.email).toBe(`${email.toLowerCase()}@example.com`);
    expect(row?.phone).toBe('+14155550100');
    expect(row?.middleName).toBeNull();
    expect(row?.lastName).toBeNull();
  });

  it('treats empty strings as absent', async () => {
    const contact = await made({
      externalId: '  ',
      name: ' ',
      email: '',
      phone: '  ',
      avatarUrl: '',
      timezone: '',
      countryCode: '',
      location: '',
    });
    expect(contact).toMatchObject({
      externalId: null,
      name: null,
      email: null,
      phone: null,
      avatarUrl: null,
      timezone: null,
      countryCode: null,
      location: null,
    });
  });

  it('keeps the caller’s own keys in custom attributes exactly as given', async () => {
    // Regression: column-name conversion once camel-cased keys inside JSON values too.
    const customAttributes = { plan_tier: 'pro', 'Signup-Source': 'ads', nested: { a_b: 1 } };
    const contact = await made({ name: 'Keys', customAttributes });
    expect(contact.customAttributes).toEqual(customAttributes);
  });

  it('creates a contact with an organization and labels', async () => {
    const organizationId = await makeOrganization(t.a.id);
    const labelId = await makeLabel(t.a.id);
    const contact = await made({ name: 'Org Member', organizationId, labelIds: [labelId] });
    expect(contact.organization?.id).toBe(organizationId);
    expect(contact.labels.map((l) => l.id)).toEqual([labelId]);
  });

  it('refuses an invalid external ID', async () => {
    await expectRejected({ externalId: 'x'.repeat(256) }, [['externalId']]);
    await expectRejected({ externalId: 'has space' }, [['externalId']]);
    await expectRejected({ externalId: 'tab\there' }, [['externalId']]);
    await expectRejected({ externalId: 'café' }, [['externalId']]);
  });

  it('refuses names and location longer than 255 characters', async () => {
    for (const field of ['name', 'givenName', 'middleName', 'lastName', 'location']) {
      await expectRejected({ [field]: 'n'.repeat(256) }, [[field]]);
    }
    // 255 is fine.
    const contact = await made({ name: 'n'.repeat(255) });
    expect(contact.name).toHaveLength(255);
  });

  it('refuses an invalid email', async () => {
    for (const email of ['not-an-email', 'a@', '@example.com', 'a b@example.com']) {
      await expectRejected({ email }, [['email']]);
    }
    await expectRejected({ email: `${'a'.repeat(320)}@example.com` }, [['email']]);
  });

  it('refuses an unreadable phone number', async () => {
    for (const phone of ['abc', '+1 23', '+999 1234 5678 9999 9999']) {
      await expectRejected({ phone }, [['phone']]);
    }
  });

  it('needs a country code unless the workspace has a default region', async () => {
    const result = await expectRejected({ phone: '06 12 34 56 78' }, [['phone']]);
    expect(result.fieldErrors[0]?.message).toMatch(/country code/);
    await setPhoneRegion('FR');
    try {
      const contact = await made({ phone: '06 12 34 56 78' });
      expect(contact.phone).toBe('+33612345678');
      // An international number is still read as such.
      const us = await made({ phone: '+1 415 555 0199' });
      expect(us.phone).toBe('+14155550199');
    } finally {
      await setPhoneRegion(null);
    }
  });

  it('refuses an avatar URL that is not http(s)', async () => {
    for (const avatarUrl of ['ftp://example.com/a.png', 'javascript:alert(1)', 'not a url']) {
      await expectRejected({ avatarUrl }, [['avatarUrl']]);
    }
    const contact = await made({ avatarUrl: 'http://example.com/a.png' });
    expect(contact.avatarUrl).toBe('http://example.com/a.png');
  });

  it('refuses an unknown time zone', async () => {
    await expectRejected({ timezone: 'Mars/Olympus_Mons' }, [['timezone']]);
  });

  it('refuses a country code that is not two letters', async () => {
    for (const countryCode of ['FRA', 'F', '12', 'f1']) {
      await expectRejected({ countryCode }, [['countryCode']]);
    }
  });

  it('refuses custom attributes that are not an object or exceed the limits', async () => {
    for (const customAttributes of [[1, 2], 'text', 42, true]) {
      await expectRejected({ customAttributes }, [['customAttributes']]);
    }
    const tooMany = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i]));
    await expectRejected({ customAttributes: tooMany }, [['customAttributes']]);
    const deep = { a: { b: { c: { d: { e: { f: 1 } } } } } };
    await expectRejected({ customAttributes: deep }, [['customAttributes']]);
    await expectRejected({ customAttributes: { big: 'x'.repeat(70_000) } }, [['customAttributes']]);
    await expectRejected({ customAttributes: { 'bad key!': 1 } }, [
      ['customAttributes', 'bad key!'],
    ]);
    // At the limits is fine.
    const hundred = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i]));
    const contact = await made({
      customAttributes: { ...hundred, k0: { b: { c: { d: { e: 1 } } } } },
    });
    expect(Object.keys(contact.customAttributes as object)).toHaveLength(100);
  });

  it('refuses a malformed organization or label ID', async () => {
    await expectRejected({ organizationId: 'garbage' }, [['organizationId']]);
    const label = await makeLabel(t.a.id);
    await expectRejected({ organizationId: label }, [['organizationId']]);
    await expectRejected({ labelIds: ['nope'] }, [['labelIds', '0']]);
  });

  it('lists every invalid field at once', async () => {
    await expectRejected(
      {
        externalId: 'with space',
        name: 'n'.repeat(300),
        email: 'nope',
        phone: 'zzz',
        avatarUrl: 'ftp://x',
        timezone: 'Nowhere/Town',
        countryCode: 'XYZ',
        customAttributes: { 'bad key': 1 },
        organizationId: 'garbage',
      },
      [
        ['externalId'],
        ['name'],
        ['email'],
        ['phone'],
        ['avatarUrl'],
        ['timezone'],
        ['countryCode'],
        ['customAttributes', 'bad key'],
        ['organizationId'],
      ],
    );
  });

  it('answers NotFoundError for an unknown or foreign organization, writing nothing', async () => {
    const before = await contactCount();
    const foreignOrg = await makeOrganization(t.b.id);
    for (const organizationId of [encodeGlobalId('Organization', '987654321'), foreignOrg]) {
      const result = as(await create({ name: 'x', organizationId }), 'NotFoundError');
      expect(result.field).toBe('organizationId');
    }
    const foreignLabel = await makeLabel(t.b.id);
    const result = as(await create({ name: 'x', labelIds: [foreignLabel] }), 'NotFoundError');
    expect(result.field).toBe('labelIds');
    expect(await contactCount()).toBe(before);
  });
});

describe('uniqueness', () => {
  it('answers ConflictError naming the field and the contact holding the value', async () => {
    const email = `${unique('taken')}@example.com`;
    const phone = `+1415555${String(1000 + counter)}`;
    const externalId = unique('taken-');
    const holder = await made({ email, phone, externalId });
    const before = await contactCount();
    const cases: [string, Input][] = [
      ['email', { email: email.toUpperCase() }],
      ['phone', { phone: `+1 (${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}` }],
      ['externalId', { externalId }],
    ];
    for (const [field, input] of cases) {
      const result = as(await create(input), 'ConflictError');
      expect(result.code).toBe('CONFLICT');
      expect(result.field).toBe(field);
      expect(result.existingContact?.id).toBe(holder.id);
    }
    expect(await contactCount()).toBe(before);

    // Another workspace may use the same values.
    const twin = await made({ email, phone, externalId }, t.b.keys.admin);
    expect(twin.id).not.toBe(holder.id);
    expect(twin.email).toBe(email);
  });

  it('updating into a taken value is a ConflictError and changes nothing', async () => {
    const taken = {
      email: `${unique('held')}@example.com`,
      phone: `+1415666${String(1000 + counter)}`,
      externalId: unique('held-'),
    };
    const holder = await made(taken);
    const other = await made({ name: 'Other', email: `${unique('other')}@example.com` });
    for (const [field, value] of Object.entries(taken)) {
      const result = as(
        await update({ id: other.id, [field]: value, name: 'Changed' }),
        'ConflictError',
      );
      expect(result.field).toBe(field);
      expect(result.existingContact?.id).toBe(holder.id);
    }
    expect(await nodeOf(other.id)).toEqual(other);
  });

  it('20 parallel upserts of one external ID make one contact, created once', async () => {
    const externalId = unique('race-');
    const before = await contactCount();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => upsert({ externalId, name: `Racer ${i}` })),
    );
    const successes = results.map((r) => as(r, 'UpsertContactSuccess'));
    expect(successes.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(successes.map((r) => r.contact.id)).size).toBe(1);
    expect(await contactCount()).toBe(before + 1);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from contacts
      where workspace_id = ${t.a.id} and external_id = ${externalId}`.execute(t.database.db);
    expect(rows[0]?.n).toBe(1);
  });

  it('parallel upserts of one external ID and email never conflict with themselves', async () => {
    const externalId = unique('race-mail-');
    const email = `${externalId}@example.com`;
    const before = await contactCount();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        upsert({ externalId, email, phone: '+14155550177', name: `Racer ${i}` }),
      ),
    );
    const successes = results.map((r) => as(r, 'UpsertContactSuccess'));
    expect(successes.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(successes.map((r) => r.contact.id)).size).toBe(1);
    expect(await contactCount()).toBe(before + 1);
  });

  it('10 parallel creates with one email make one contact; the rest conflict', async () => {
    const email = `${unique('parallel')}@example.com`;
    const before = await contactCount();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => create({ email, name: `Twin ${i}` })),
    );
    const winners = results.filter((r) => r.__typename === 'CreateContactSuccess');
    expect(winners).toHaveLength(1);
    const winner = as(winners[0] as (typeof results)[number], 'CreateContactSuccess');
    for (const r of results.filter((r) => r.__typename !== 'CreateContactSuccess')) {
      const conflict = as(r, 'ConflictError');
      expect(conflict.field).toBe('email');
      expect(conflict.existingContact?.id).toBe(winner.contact.id);
    }
    expect(await contactCount()).toBe(before + 1);
  });
});

describe('updateContact', () => {
  it('changes only the given fields', async () => {
    const contact = await made({
      name: 'Grace Hopper',
      givenName: 'Grace',
      email: `${unique('grace')}@example.com`,
      timezone: 'America/New_York',
      customAttributes: { rank: 'admiral' },
    });
    const updated = as(
      await update({ id: contact.id, givenName: ' Amazing ', countryCode: 'us' }),
      'UpdateContactSuccess',
    ).contact;
    expect(updated).toMatchObject({
      ...contact,
      givenName: 'Amazing',
      countryCode: 'US',
    });
  });

  it('clears fields set to null', async () => {
    const organizationId = await makeOrganization(t.a.id);
    const contact = await made({
      name: 'To Clear',
      email: `${unique('clear')}@example.com`,
      phone: '+14155550142',
      organizationId,
    });
    expect(contact.organization?.id).toBe(organizationId);
    const updated = as(
      await update({ id: contact.id, name: null, phone: null, organizationId: null }),
      'UpdateContactSuccess',
    ).contact;
    expect(updated).toMatchObject({
      name: null,
      phone: null,
      organization: null,
      email: contact.email,
    });
    const row = await rawContact(contact.id);
    expect(row?.organizationId).toBeNull();
    expect(row?.name).toBeNull();
  });

  it('attaches an organization', async () => {
    const contact = await made({ name: 'Joiner' });
    const organizationId = await makeOrganization(t.a.id);
    const updated = as(await update({ id: contact.id, organizationId }), 'UpdateContactSuccess');
    expect(updated.contact.organization?.id).toBe(organizationId);
    const foreign = as(
      await update({ id: contact.id, organizationId: await makeOrganization(t.b.id) }),
      'NotFoundError',
    );
    expect(foreign.field).toBe('organizationId');
    expect((await nodeOf(contact.id))?.organization?.id).toBe(organizationId);
  });

  it('merges custom attributes; null removes a key, null for all clears them', async () => {
    const contact = await made({ customAttributes: { a: 1, b: { x: true }, c: 'keep' } });
    const merged = as(
      await update({ id: contact.id, customAttributes: { a: 2, b: null, d: [1, 2] } }),
      'UpdateContactSuccess',
    ).contact;
    expect(merged.customAttributes).toEqual({ a: 2, c: 'keep', d: [1, 2] });
    const kept = as(await update({ id: contact.id, name: 'x' }), 'UpdateContactSuccess');
    expect(kept.contact.customAttributes).toEqual({ a: 2, c: 'keep', d: [1, 2] });
    const cleared = as(
      await update({ id: contact.id, customAttributes: null }),
      'UpdateContactSuccess',
    ).contact;
    expect(cleared.customAttributes).toEqual({});
  });

  it('refuses blocked: null and invalid values, changing nothing', async () => {
    const contact = await made({ name: 'Blocked?', email: `${unique('blk')}@example.com` });
    const result = as(await update({ id: contact.id, blocked: null }), 'ValidationError');
    expect(result.fieldErrors.map((e) => e.path)).toEqual([['blocked']]);
    const several = as(
      await update({ id: contact.id, name: 'Changed', email: 'bad', customAttributes: [] }),
      'ValidationError',
    );
    expect(several.fieldErrors.map((e) => e.path)).toEqual(
      expect.arrayContaining([['email'], ['customAttributes']]),
    );
    expect(several.fieldErrors).toHaveLength(2);
    expect(await nodeOf(contact.id)).toEqual(contact);
    const blocked = as(await update({ id: contact.id, blocked: true }), 'UpdateContactSuccess');
    expect(blocked.contact.blocked).toBe(true);
  });

  it('answers NotFoundError for an unknown, malformed or foreign contact', async () => {
    const unknown = as(
      await update({ id: encodeGlobalId('Contact', '987654321'), name: 'x' }),
      'NotFoundError',
    );
    expect(unknown.field).toBe('id');
    const malformed = as(await update({ id: 'garbage', name: 'x' }), 'ValidationError');
    expect(malformed.fieldErrors.map((e) => e.path)).toEqual([['id']]);

    const theirs = await made(
      { name: 'B Person', email: `${unique('b')}@example.com` },
      t.b.keys.admin,
    );
    const foreign = as(await update({ id: theirs.id, name: 'Hijacked' }), 'NotFoundError');
    expect(foreign.field).toBe('id');
    expect(foreign).toEqual({ ...unknown });
    expect(await nodeOf(theirs.id, t.b.keys.admin)).toEqual(theirs);
  });

  it('does not change a deleted contact', async () => {
    const contact = await made({ name: 'Gone' });
    as(await del(contact.id), 'DeleteContactSuccess');
    as(await update({ id: contact.id, name: 'Back?' }), 'NotFoundError');
    expect((await rawContact(contact.id))?.name).toBe('Gone');
  });
});

describe('upsertContact', () => {
  it('creates, then updates the contact with the same external ID', async () => {
    const externalId = unique('imp-');
    const before = await contactCount();
    const first = as(
      await upsert({ externalId, name: 'First', customAttributes: { a: 1 } }),
      'UpsertContactSuccess',
    );
    expect(first.created).toBe(true);
    expect(first.contact).toMatchObject({ externalId, name: 'First', customAttributes: { a: 1 } });
    const second = as(
      await upsert({
        externalId,
        name: 'Second',
        email: `${unique('Imp')}@Example.com`,
        customAttributes: { b: 2 },
      }),
      'UpsertContactSuccess',
    );
    expect(second.created).toBe(false);
    expect(second.contact.id).toBe(first.contact.id);
    expect(second.contact.name).toBe('Second');
    expect(second.contact.email).toMatch(/^imp\d+@example\.com$/);
    expect(second.contact.customAttributes).toEqual({ a: 1, b: 2 });
    expect(await contactCount()).toBe(before + 1);
  });

  it('adds labels on upsert, keeping the ones there', async () => {
    const externalId = unique('lbl-');
    const [l1, l2] = [await makeLabel(t.a.id), await makeLabel(t.a.id)];
    as(await upsert({ externalId, labelIds: [l1] }), 'UpsertContactSuccess');
    const second = as(await upsert({ externalId, labelIds: [l2] }), 'UpsertContactSuccess');
    expect(second.contact.labels.map((l) => l.id).sort()).toEqual([l1, l2].sort());
  });

  it('writes nothing on a ValidationError', async () => {
    const externalId = unique('val-');
    const before = await contactCount();
    const bad = as(await upsert({ externalId, email: 'nope' }), 'ValidationError');
    expect(bad.fieldErrors.map((e) => e.path)).toEqual([['email']]);
    expect(await contactCount()).toBe(before);
    expect(await lookup({ externalId })).toBeNull();

    const existing = as(await upsert({ externalId, name: 'Kept' }), 'UpsertContactSuccess');
    const refused = as(
      await upsert({ externalId, name: 'Changed', timezone: 'Nope/Nope' }),
      'ValidationError',
    );
    expect(refused.fieldErrors.map((e) => e.path)).toEqual([['timezone']]);
    expect(await nodeOf(existing.contact.id)).toEqual(existing.contact);

    const empty = as(await upsert({ externalId: '  ' }), 'ValidationError');
    expect(empty.fieldErrors.map((e) => e.path)).toEqual([['externalId']]);
    expect(await contactCount()).toBe(before + 1);
  });

  it('answers ConflictError when the email belongs to another contact', async () => {
    const email = `${unique('ups')}@example.com`;
    const holder = await made({ email });
    const before = await contactCount();
    const result = as(await upsert({ externalId: unique('u-'), email }), 'ConflictError');
    expect(result.field).toBe('email');
    expect(result.existingContact?.id).toBe(holder.id);
    expect(await contactCount()).toBe(before);
  });
});

describe('deleteContact and restoreContact', () => {
  it('hides a deleted contact from lists and lookups, but not from includeDeleted', async () => {
    const email = `${unique('del')}@example.com`;
    const externalId = unique('del-');
    const contact = await made({ name: 'Deletable', email, externalId });
    const deleted = as(await del(contact.id), 'DeleteContactSuccess').contact;
    expect(deleted.id).toBe(contact.id);
    expect(deleted.deletedAt).not.toBeNull();

    expect(await lookup({ email })).toBeNull();
    expect(await lookup({ externalId })).toBeNull();
    expect(await lookup({ id: contact.id })).toBeNull();
    const live = dataOf(await t.gql(List, { search: email }, key())).contacts;
    expect(live.totalCount).toBe(0);
    const all = dataOf(
      await t.gql(List, { search: email, filter: { includeDeleted: true } }, key()),
    ).contacts;
    expect(all.edges.map((e) => e.node.id)).toEqual([contact.id]);
    expect(all.edges[0]?.node.deletedAt).not.toBeNull();
    // The row stays.
    expect((await rawContact(contact.id))?.deletedAt).not.toBeNull();
  });

  it('restores a contact with its labels and conversations', async () => {
    const labelId = await makeLabel(t.a.id);
    const contact = await made({
      name: 'Phoenix',
      email: `${unique('phoenix')}@example.com`,
      labelIds: [labelId],
    });
    const conversationId = await makeConversation(t.a.id, contact.id);
    as(await del(contact.id), 'DeleteContactSuccess');
    const restored = as(await restore(contact.id), 'RestoreContactSuccess').contact;
    expect(restored.deletedAt).toBeNull();
    expect(restored.labels.map((l) => l.id)).toEqual([labelId]);
    expect(restored.conversations.edges.map((e) => e.node.id)).toEqual([conversationId]);
    const found = await lookup({ email: contact.email as string });
    expect(found?.id).toBe(contact.id);
    expect(found?.labels.map((l) => l.id)).toEqual([labelId]);
    expect(found?.conversations.totalCount).toBe(1);
  });

  it('frees the external ID: upsert creates a new contact, restore then conflicts', async () => {
    const externalId = unique('reuse-');
    const first = as(await upsert({ externalId, name: 'First' }), 'UpsertContactSuccess');
    as(await del(first.contact.id), 'DeleteContactSuccess');
    const second = as(await upsert({ externalId, name: 'Second' }), 'UpsertContactSuccess');
    expect(second.created).toBe(true);
    expect(second.contact.id).not.toBe(first.contact.id);
    expect((await rawContact(first.contact.id))?.name).toBe('First');
    const result = as(await restore(first.contact.id), 'ConflictError');
    expect(result.field).toBe('externalId');
    expect(result.existingContact?.id).toBe(second.contact.id);
    expect((await lookup({ externalId }))?.id).toBe(second.contact.id);
  });

  it('frees the email; restore then conflicts with the contact that took it', async () => {
    const email = `${unique('freed')}@example.com`;
    const original = await made({ name: 'Original', email });
    as(await del(original.id), 'DeleteContactSuccess');
    const taker = await made({ name: 'Taker', email });
    const result = as(await restore(original.id), 'ConflictError');
    expect(result.field).toBe('email');
    expect(result.existingContact?.id).toBe(taker.id);
    expect((await rawContact(original.id))?.deletedAt).not.toBeNull();
    expect((await lookup({ email }))?.id).toBe(taker.id);
  });

  it('answers NotFoundError for a deleted, live-restored, unknown or foreign contact', async () => {
    const contact = await made({ name: 'Twice' });
    as(await del(contact.id), 'DeleteContactSuccess');
    const deletedAt = (await rawContact(contact.id))?.deletedAt;
    expect(as(await del(contact.id), 'NotFoundError').field).toBe('id');
    expect((await rawContact(contact.id))?.deletedAt).toEqual(deletedAt);
    as(await restore(contact.id), 'RestoreContactSuccess');
    as(await restore(contact.id), 'NotFoundError');

    const missing = encodeGlobalId('Contact', '987654321');
    as(await del(missing), 'NotFoundError');
    as(await restore(missing), 'NotFoundError');

    const theirs = await made({ name: 'B Keeps' }, t.b.keys.admin);
    as(await del(theirs.id), 'NotFoundError');
    expect(await nodeOf(theirs.id, t.b.keys.admin)).toEqual(theirs);
    as(await del(theirs.id, t.b.keys.admin), 'DeleteContactSuccess');
    as(await restore(theirs.id), 'NotFoundError');
    expect((await rawContact(theirs.id))?.deletedAt).not.toBeNull();
  });
});

describe('addContactLabels and removeContactLabels', () => {
  it('are idempotent', async () => {
    const contact = await made({ name: 'Labelled' });
    const [l1, l2] = [await makeLabel(t.a.id), await makeLabel(t.a.id)];
    const once = as(await addLabels(contact.id, [l1, l2]), 'AddContactLabelsSuccess');
    expect(once.contact.labels.map((l) => l.id).sort()).toEqual([l1, l2].sort());
    const twice = as(await addLabels(contact.id, [l1, l1]), 'AddContactLabelsSuccess');
    expect(twice.contact.labels.map((l) => l.id).sort()).toEqual([l1, l2].sort());
    expect(await labelLinks(contact.id)).toBe(2);

    const removed = as(await removeLabels(contact.id, [l1]), 'RemoveContactLabelsSuccess');
    expect(removed.contact.labels.map((l) => l.id)).toEqual([l2]);
    as(await removeLabels(contact.id, [l1]), 'RemoveContactLabelsSuccess');
    expect(await labelLinks(contact.id)).toBe(1);
  });

  it('answer NotFoundError for an unknown or foreign label, changing nothing', async () => {
    const contact = await made({ name: 'Careful' });
    const own = await makeLabel(t.a.id);
    as(await addLabels(contact.id, [own]), 'AddContactLabelsSuccess');
    const foreign = await makeLabel(t.b.id);
    const missing = encodeGlobalId('Label', '987654321');
    for (const bad of [foreign, missing]) {
      const other = await makeLabel(t.a.id);
      const added = as(await addLabels(contact.id, [other, bad]), 'NotFoundError');
      expect(added.field).toBe('labelIds');
      const removed = as(await removeLabels(contact.id, [own, bad]), 'NotFoundError');
      expect(removed.field).toBe('labelIds');
      const now = await nodeOf(contact.id);
      expect(now?.labels.map((l) => l.id)).toEqual([own]);
    }
    expect(await labelLinks(contact.id)).toBe(1);
    const malformed = as(await addLabels(contact.id, ['garbage']), 'ValidationError');
    expect(malformed.fieldErrors.map((e) => e.path)).toEqual([['labelIds', '0']]);
  });

  it('answer NotFoundError for an unknown, deleted or foreign contact', async () => {
    const label = await makeLabel(t.a.id);
    const gone = await made({ name: 'Gone' });
    as(await del(gone.id), 'DeleteContactSuccess');
    for (const id of [encodeGlobalId('Contact', '987654321'), gone.id]) {
      expect(as(await addLabels(id, [label]), 'NotFoundError').field).toBe('contactId');
      expect(as(await removeLabels(id, [label]), 'NotFoundError').field).toBe('contactId');
    }
    expect(await labelLinks(gone.id)).toBe(0);
  });
});

describe('authorization', () => {
  it('a read-only key may run no mutation, and nothing is written', async () => {
    const contact = await made({ name: 'Read Only', email: `${unique('ro')}@example.com` });
    const label = await makeLabel(t.a.id);
    const before = await contactCount();
    const readKey = t.a.keys.read;
    const attempts = [
      () => t.gql(Create, { input: { name: 'Nope' } }, { key: readKey }),
      () => t.gql(Update, { input: { id: contact.id, name: 'Nope' } }, { key: readKey }),
      () => t.gql(Upsert, { input: { externalId: unique('ro-') } }, { key: readKey }),
      () => t.gql(Delete, { input: { id: contact.id } }, { key: readKey }),
      () => t.gql(Restore, { input: { id: contact.id } }, { key: readKey }),
      () =>
        t.gql(AddLabels, { input: { contactId: contact.id, labelIds: [label] } }, { key: readKey }),
      () =>
        t.gql(
          RemoveLabels,
          { input: { contactId: contact.id, labelIds: [label] } },
          { key: readKey },
        ),
    ];
    for (const attempt of attempts) {
      const response = await attempt();
      expect(response.errors?.[0]?.extensions?.code, JSON.stringify(response)).toBe('FORBIDDEN');
      expect(response.data ?? null).toBeNull();
    }
    expect(await contactCount()).toBe(before);
    expect(await nodeOf(contact.id)).toEqual(contact);
    expect(await labelLinks(contact.id)).toBe(0);
  });

  it('a write key may', async () => {
    const contact = await made({ name: 'Writer' }, t.a.keys.write);
    expect(contact.name).toBe('Writer');
  });

  it('B’s key cannot change A’s contacts', async () => {
    const label = await makeLabel(t.a.id);
    const bLabel = await makeLabel(t.b.id);
    const contact = await made({
      name: 'A Owned',
      email: `${unique('owned')}@example.com`,
      labelIds: [label],
    });
    const deleted = await made({ name: 'A Deleted' });
    as(await del(deleted.id), 'DeleteContactSuccess');
    const bKey = t.b.keys.admin;
    expect(as(await update({ id: contact.id, name: 'Pwned' }, bKey), 'NotFoundError').field).toBe(
      'id',
    );
    as(await del(contact.id, bKey), 'NotFoundError');
    as(await restore(deleted.id, bKey), 'NotFoundError');
    as(await addLabels(contact.id, [bLabel], bKey), 'NotFoundError');
    as(await removeLabels(contact.id, [bLabel], bKey), 'NotFoundError');
    expect(await nodeOf(contact.id)).toEqual(contact);
    expect(await labelLinks(contact.id)).toBe(1);
    expect((await rawContact(deleted.id))?.deletedAt).not.toBeNull();
    // B's upsert of the same external ID makes B's own contact.
    const externalId = unique('shared-');
    const mine = as(await upsert({ externalId, name: 'A' }), 'UpsertContactSuccess');
    const theirs = as(await upsert({ externalId, name: 'B' }, bKey), 'UpsertContactSuccess');
    expect(theirs.created).toBe(true);
    expect(theirs.contact.id).not.toBe(mine.contact.id);
    expect((await nodeOf(mine.contact.id))?.name).toBe('A');
  });
});
