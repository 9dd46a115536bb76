import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../src/global-id.js';
import { dataOf, startTestServer, type TestServer } from './harness.js';

let t: TestServer;
let labelA: string;
let labelB: string;
let orgA: string;

type Result = {
  __typename: string;
  count?: number;
  code?: string;
  fieldErrors?: { path: string[] }[];
};

const MUTATIONS = {
  labels: ['addLabelsToContacts', 'AddLabelsToContactsInput'],
  unlabel: ['removeLabelsFromContacts', 'RemoveLabelsFromContactsInput'],
  del: ['deleteContacts', 'DeleteContactsInput'],
  restore: ['restoreContacts', 'RestoreContactsInput'],
  org: ['setContactsOrganization', 'SetContactsOrganizationInput'],
} as const;

async function bulk(
  action: keyof typeof MUTATIONS,
  input: object,
  key?: string,
): Promise<Result | undefined> {
  const [field, type] = MUTATIONS[action];
  const response = await t.gql(
    `mutation ($input: ${type}!) { ${field}(input: $input) {
      __typename
      ... on BulkActionSuccess { count }
      ... on Error { code message }
      ... on ValidationError { fieldErrors { path message } }
    } }`,
    { input },
    { key },
  );
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return (response.data as Record<string, Result>)[field];
}

async function count(where: string): Promise<number> {
  const { rows } = await sql<{
    n: string;
  }>`select count(*) as n from contacts where ${sql.raw(where)}`.execute(t.database.db);
  return Number(rows[0]?.n);
}

beforeAll(async () => {
  t = await startTestServer();
  const db = t.database.db;
  const label = async (ws: string, name: string) =>
    (
      await db
        .insertInto('labels')
        .values({ workspaceId: ws, name })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  labelA = encodeGlobalId('Label', await label(t.a.id, 'vip'));
  labelB = encodeGlobalId('Label', await label(t.b.id, 'vip'));
  const org = await db
    .insertInto('organizations')
    .values({ workspaceId: t.a.id, name: 'Acme', customAttributes: '{}' })
    .returning('id')
    .executeTakeFirstOrThrow();
  orgA = encodeGlobalId('Organization', org.id);
});
afterAll(() => t?.close());

beforeEach(async () => {
  await sql`delete from contacts`.execute(t.database.db);
  const rows = (ws: string) =>
    Array.from({ length: 12 }, (_, i) => ({
      workspaceId: ws,
      name: `Person ${i}`,
      email: `p${i}@${i % 2 ? 'odd' : 'even'}.test`,
      customAttributes: '{}',
    }));
  await t.database.db
    .insertInto('contacts')
    .values([...rows(t.a.id), ...rows(t.b.id)])
    .execute();
});

const evens = { filter: { email: { contains: '@even.test' } } };

describe('bulk actions', () => {
  it('labels the contacts a filter selects, once, and only in the caller’s workspace', async () => {
    expect(await bulk('labels', { selection: evens, labelIds: [labelA] })).toMatchObject({
      count: 6,
    });
    expect(await bulk('labels', { selection: evens, labelIds: [labelA] })).toMatchObject({
      count: 0,
    });
    const data = dataOf(
      await t.gql(
        'query ($l: ID!) { contacts(filter: { labels: { any: [$l] } }) { totalCount } }',
        { l: labelA },
      ),
    ) as { contacts: { totalCount: number } };
    expect(data.contacts.totalCount).toBe(6);
    const links = await sql<{ n: string }>`select count(*) as n from contact_labels`.execute(
      t.database.db,
    );
    expect(Number(links.rows[0]?.n)).toBe(6);
  });

  it('refuses a label of another workspace, changing nothing', async () => {
    expect(await bulk('labels', { selection: evens, labelIds: [labelB] })).toMatchObject({
      __typename: 'NotFoundError',
    });
    const links = await sql<{ n: string }>`select count(*) as n from contact_labels`.execute(
      t.database.db,
    );
    expect(Number(links.rows[0]?.n)).toBe(0);
  });

  it('removes labels from the selected contacts', async () => {
    await bulk('labels', { selection: evens, labelIds: [labelA] });
    expect(
      await bulk('unlabel', {
        selection: { filter: { name: { eq: 'person 0' } } },
        labelIds: [labelA],
      }),
    ).toMatchObject({ count: 1 });
  });

  it('soft-deletes and restores by ids; ids of another workspace match nothing', async () => {
    const b = await t.database.db
      .selectFrom('contacts')
      .select('id')
      .where('workspaceId', '=', t.b.id)
      .execute();
    const a = await t.database.db
      .selectFrom('contacts')
      .select('id')
      .where('workspaceId', '=', t.a.id)
      .execute();
    const ids = [...a.slice(0, 3), ...b.slice(0, 3)].map((r) => encodeGlobalId('Contact', r.id));
    expect(await bulk('del', { selection: { ids } })).toMatchObject({ count: 3 });
    expect(await count(`workspace_id = ${t.b.id} and deleted_at is not null`)).toBe(0);
    expect(await count(`workspace_id = ${t.a.id} and deleted_at is not null`)).toBe(3);
    expect(await bulk('restore', { selection: { ids } })).toMatchObject({ count: 3 });
    expect(await count('deleted_at is not null')).toBe(0);
  });

  it('restores nothing when one restored email was taken meanwhile', async () => {
    await bulk('del', { selection: evens });
    await t.database.db
      .insertInto('contacts')
      .values({ workspaceId: t.a.id, email: 'p0@even.test', customAttributes: '{}' })
      .execute();
    expect(await bulk('restore', { selection: evens })).toMatchObject({
      __typename: 'ConflictError',
    });
    expect(await count(`workspace_id = ${t.a.id} and deleted_at is not null`)).toBe(6);
  });

  it('sets and clears the organization of the selected contacts', async () => {
    expect(await bulk('org', { selection: evens, organizationId: orgA })).toMatchObject({
      count: 6,
    });
    expect(await count('organization_id is not null')).toBe(6);
    expect(await bulk('org', { selection: evens, organizationId: null })).toMatchObject({
      count: 6,
    });
    expect(await count('organization_id is not null')).toBe(0);
  });

  it('needs exactly one of ids or filter', async () => {
    const both = await bulk('del', { selection: { ids: [], filter: {} } });
    expect(both).toMatchObject({ __typename: 'ValidationError' });
    expect(both?.fieldErrors?.[0]?.path).toEqual(['selection']);
    expect(await bulk('del', { selection: {} })).toMatchObject({ __typename: 'ValidationError' });
    expect(await count('deleted_at is not null')).toBe(0);
  });

  it('refuses a malformed id, naming it, and changes nothing', async () => {
    const result = await bulk('del', { selection: { ids: ['nope'] } });
    expect(result?.fieldErrors?.[0]?.path).toEqual(['selection', 'ids', '0']);
    expect(await count('deleted_at is not null')).toBe(0);
  });

  it('refuses a selection of more than 10,000 contacts, changing nothing', async () => {
    await sql`insert into contacts (workspace_id, name)
      select ${t.a.id}, 'bulk ' || g from generate_series(1, 10000) g`.execute(t.database.db);
    expect(await bulk('del', { selection: { filter: {} } })).toMatchObject({
      __typename: 'ValidationError',
    });
    expect(await count('deleted_at is not null')).toBe(0);
  });

  it('is forbidden to a read-only key', async () => {
    await expect(bulk('del', { selection: evens }, t.a.keys.read)).rejects.toThrow(/FORBIDDEN/);
    expect(await count('deleted_at is not null')).toBe(0);
  });
});
