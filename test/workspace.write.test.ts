import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestServer, type TestServer } from './harness.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const UPDATE = `mutation ($input: UpdateWorkspaceInput!) {
  updateWorkspace(input: $input) {
    __typename
    ... on UpdateWorkspaceSuccess { workspace { name defaultPhoneRegion } }
    ... on ValidationError { fieldErrors { path message } }
  }
}`;
const CREATE = `mutation ($phone: String!) {
  createContact(input: { phone: $phone }) {
    __typename
    ... on CreateContactSuccess { contact { phone } }
    ... on ValidationError { fieldErrors { path } }
  }
}`;
const REGION = 'query { viewer { workspace { defaultPhoneRegion } } }';

type Update = {
  updateWorkspace: { __typename: string; workspace?: { defaultPhoneRegion: string | null } };
};

describe('updateWorkspace', () => {
  it('sets the default phone region that national numbers are read in', async () => {
    expect(dataOf(await t.gql(CREATE, { phone: '06 12 34 56 78' }))).toMatchObject({
      createContact: { __typename: 'ValidationError', fieldErrors: [{ path: ['phone'] }] },
    });
    const updated = dataOf(await t.gql(UPDATE, { input: { defaultPhoneRegion: 'fr' } })) as Update;
    expect(updated.updateWorkspace.workspace?.defaultPhoneRegion).toBe('FR');
    expect(dataOf(await t.gql(CREATE, { phone: '06 12 34 56 78' }))).toMatchObject({
      createContact: { contact: { phone: '+33612345678' } },
    });
  });

  it('changes only the caller’s workspace', async () => {
    await t.gql(UPDATE, { input: { defaultPhoneRegion: 'DE' } });
    expect(dataOf(await t.gql(REGION, {}, { key: t.b.keys.admin }))).toEqual({
      viewer: { workspace: { defaultPhoneRegion: null } },
    });
  });

  it('refuses an unknown region and an empty name, changing nothing', async () => {
    await t.gql(UPDATE, { input: { defaultPhoneRegion: 'GB' } });
    const refused = dataOf(await t.gql(UPDATE, { input: { defaultPhoneRegion: 'XX', name: ' ' } }));
    expect(refused).toMatchObject({ updateWorkspace: { __typename: 'ValidationError' } });
    expect(JSON.stringify(refused)).toContain('defaultPhoneRegion');
    expect(JSON.stringify(refused)).toContain('"name"');
    expect(dataOf(await t.gql(REGION))).toEqual({
      viewer: { workspace: { defaultPhoneRegion: 'GB' } },
    });
  });

  it('needs the admin scope', async () => {
    const response = await t.gql(
      UPDATE,
      { input: { defaultPhoneRegion: 'US' } },
      { key: t.a.keys.write },
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(dataOf(await t.gql(REGION))).not.toEqual({
      viewer: { workspace: { defaultPhoneRegion: 'US' } },
    });
  });
});
