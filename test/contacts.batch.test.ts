import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../src/global-id.js';
import type { UpsertContactInput } from './gql/graphql.js';
import { graphql } from './gql/index.js';
import { dataOf, startTestServer, type TestServer } from './harness.js';

const UpsertContacts = graphql(`
  mutation BatchTestUpsertContacts($input: UpsertContactsInput!) {
    upsertContacts(input: $input) {
      __typename
      ... on UpsertContactsSuccess {
        results {
          index
          created
          contact {
            id
            externalId
            name
            email
            phone
            customAttributes
            organization { id }
            labels { id }
          }
          error {
            __typename
            code
            message
            ... on ValidationError { fieldErrors { path message } }
            ... on ConflictError { field existingContact { id } }
            ... on NotFoundError { field }
          }
        }
      }
      ... on ValidationError { fieldErrors { path message } }
    }
  }
`);

const ContactByExternalId = graphql(`
  query BatchTestContact($externalId: String) {
    contact(externalId: $externalId) { id name email externalId }
  }
`);

let server: TestServer;
let labelA: string;
let labelB: string;
let orgA: string;

beforeAll(async () => {
  server = await startTestServer();
  const db = server.database.db;
  const label = async (workspaceId: string, name: string) =>
    (
      await db
        .insertInto('labels')
        .values({ workspaceId, name })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  labelA = encodeGlobalId('Label', await label(server.a.id, 'vip'));
  labelB = encodeGlobalId('Label', await label(server.b.id, 'vip'));
  const org = await db
    .insertInto('organizations')
    .values({ workspaceId: server.a.id, name: 'Acme', customAttributes: '{}' })
    .returning('id')
    .executeTakeFirstOrThrow();
  orgA = encodeGlobalId('Organization', org.id);
});

afterAll(async () => {
  await server?.close();
});

async function upsert(contacts: UpsertContactInput[], key?: string) {
  const response = await server.gql(UpsertContacts, { input: { contacts } }, { key });
  return dataOf(response).upsertContacts;
}

async function results(contacts: UpsertContactInput[], key?: string) {
  const result = await upsert(contacts, key);
  if (result.__typename !== 'UpsertContactsSuccess') {
    throw new Error(`expected success, got ${JSON.stringify(result)}`);
  }
  return result.results;
}

/** Live contacts of a workspace whose external ID starts with `prefix`. */
async function countLive(workspaceId: string, prefix: string): Promise<number> {
  const row = await server.database.db
    .selectFrom('contacts')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('workspaceId', '=', workspaceId)
    .where('externalId', 'like', `${prefix}%`)
    .where('deletedAt', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('upsertContacts', () => {
  const mixed = (): UpsertContactInput[] => [
    {
      externalId: 'mix-0',
      name: 'Zero',
      email: 'Zero@Example.com',
      labelIds: [labelA],
      customAttributes: { plan: 'pro' },
    },
    { externalId: 'mix-1', email: 'not an email' },
    { externalId: 'mix-2', name: 'Two', phone: '+33 6 12 34 56 78' },
    {
      externalId: 'mix-3',
      name: 'Three',
      organizationId: encodeGlobalId('Organization', '999999'),
    },
    { externalId: 'mix-4', name: 'Four', labelIds: [labelB] },
    { externalId: 'mix-5', name: 'Five', organizationId: orgA, labelIds: [labelA, labelA] },
    { externalId: '   ', name: 'Blank key' },
  ];

  it('writes the good items and reports each bad one at its index, in order', async () => {
    const items = await results(mixed());
    expect(items.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(items.map((r) => r.created)).toEqual([true, null, true, null, null, true, null]);
    expect(items.map((r) => r.error?.__typename ?? null)).toEqual([
      null,
      'ValidationError',
      null,
      'NotFoundError',
      'NotFoundError',
      null,
      'ValidationError',
    ]);
    const [zero, one, two, three, four, five, six] = items;
    expect(zero?.contact).toMatchObject({
      externalId: 'mix-0',
      email: 'zero@example.com',
      customAttributes: { plan: 'pro' },
      labels: [{ id: labelA }],
    });
    expect(one?.contact).toBeNull();
    expect(one?.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      fieldErrors: [{ path: ['contacts', '1', 'email'] }],
    });
    expect(two?.contact).toMatchObject({ phone: '+33612345678', name: 'Two' });
    expect(three?.error).toMatchObject({ code: 'NOT_FOUND', field: 'organizationId' });
    expect(four?.error).toMatchObject({ code: 'NOT_FOUND', field: 'labelIds' });
    expect(five?.contact).toMatchObject({ organization: { id: orgA }, labels: [{ id: labelA }] });
    expect(six?.error).toMatchObject({ fieldErrors: [{ path: ['contacts', '6', 'externalId'] }] });
    expect(await countLive(server.a.id, 'mix-')).toBe(3);
  });

  it('is idempotent: a re-run updates, creates nothing and duplicates nothing', async () => {
    const first = await results(mixed());
    const again = await results(mixed());
    expect(again.map((r) => r.created)).toEqual([false, null, false, null, null, false, null]);
    expect(again.map((r) => r.contact?.id ?? null)).toEqual(
      first.map((r) => r.contact?.id ?? null),
    );
    expect(again.map((r) => r.error?.code ?? null)).toEqual(
      first.map((r) => r.error?.code ?? null),
    );
    expect(await countLive(server.a.id, 'mix-')).toBe(3);
  });

  it('updates partially, as upsertContact: left-out fields stay, attributes merge', async () => {
    const [item] = await results([
      { externalId: 'mix-0', name: 'Zero again', customAttributes: { plan: null, seats: 3 } },
    ]);
    expect(item).toMatchObject({
      created: false,
      contact: {
        name: 'Zero again',
        email: 'zero@example.com',
        customAttributes: { seats: 3 },
        labels: [{ id: labelA }],
      },
    });
  });

  it('refuses an item whose email another contact holds, and writes the others', async () => {
    const [holder] = await results([{ externalId: 'holder', email: 'taken@example.com' }]);
    const items = await results([
      { externalId: 'conf-0', email: 'free.0@example.com' },
      { externalId: 'conf-1', email: 'TAKEN@example.com', name: 'Late' },
      { externalId: 'conf-2', email: 'free.2@example.com' },
      { externalId: 'conf-3', email: 'free.0@example.com' },
    ]);
    expect(items.map((r) => r.created)).toEqual([true, null, true, null]);
    expect(items[1]?.error).toMatchObject({
      __typename: 'ConflictError',
      code: 'CONFLICT',
      field: 'email',
      existingContact: { id: holder?.contact?.id },
    });
    // Taken by an earlier item of the same call.
    expect(items[3]?.error).toMatchObject({
      field: 'email',
      existingContact: { id: items[0]?.contact?.id },
    });
    expect(await countLive(server.a.id, 'conf-')).toBe(2);
    const lookup = dataOf(await server.gql(ContactByExternalId, { externalId: 'holder' }));
    expect(lookup.contact?.email).toBe('taken@example.com');
  });

  it('refuses a repeated external ID in one call: the later item gets the error', async () => {
    const items = await results([
      { externalId: 'dup', name: 'First' },
      { externalId: 'dup-other', name: 'Other' },
      { externalId: ' dup ', name: 'Second' },
    ]);
    expect(items.map((r) => r.created)).toEqual([true, true, null]);
    expect(items[2]?.error).toMatchObject({
      __typename: 'ValidationError',
      fieldErrors: [{ path: ['contacts', '2', 'externalId'] }],
    });
    const lookup = dataOf(await server.gql(ContactByExternalId, { externalId: 'dup' }));
    expect(lookup.contact?.name).toBe('First');
  });

  it('refuses more than 1000 items as a whole and writes none', async () => {
    const contacts = Array.from({ length: 1001 }, (_, i) => ({ externalId: `big-${i}` }));
    const result = await upsert(contacts);
    expect(result).toMatchObject({
      __typename: 'ValidationError',
      fieldErrors: [{ path: ['contacts'] }],
    });
    expect(await countLive(server.a.id, 'big-')).toBe(0);
  });

  it('writes 1000 items in one call', async () => {
    const contacts = Array.from({ length: 1000 }, (_, i) => ({
      externalId: `thousand-${i}`,
      email: `thousand.${i}@example.com`,
      ...(i % 2 === 0 ? { name: `Even ${i}` } : {}),
    }));
    const items = await results(contacts);
    expect(items.every((r, i) => r.index === i && r.created === true)).toBe(true);
    expect(await countLive(server.a.id, 'thousand-')).toBe(1000);
  });

  it('needs the write scope: a read-only key is FORBIDDEN and nothing is written', async () => {
    const response = await server.gql(
      UpsertContacts,
      { input: { contacts: [{ externalId: 'ro-0' }] } },
      { key: server.a.keys.read },
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await countLive(server.a.id, 'ro-')).toBe(0);
  });

  it('leaves another workspace’s contacts with the same external IDs untouched', async () => {
    const inB = await results(
      [
        { externalId: 'iso-0', name: 'B zero', email: 'iso.0@example.com' },
        { externalId: 'iso-1', name: 'B one' },
      ],
      server.b.keys.admin,
    );
    const inA = await results([
      { externalId: 'iso-0', name: 'A zero', email: 'iso.0@example.com' },
      { externalId: 'iso-1', name: 'A one' },
    ]);
    expect(inA.map((r) => r.created)).toEqual([true, true]);
    expect(inA.map((r) => r.contact?.id)).not.toContain(inB[0]?.contact?.id);
    for (const [externalId, name] of [
      ['iso-0', 'B zero'],
      ['iso-1', 'B one'],
    ]) {
      const fromB = dataOf(
        await server.gql(ContactByExternalId, { externalId }, { key: server.b.keys.admin }),
      );
      expect(fromB.contact?.name).toBe(name);
    }
    expect(await countLive(server.b.id, 'iso-')).toBe(2);
    expect(await countLive(server.a.id, 'iso-')).toBe(2);
  });
});
