import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.js';
import { dataOf, startTestServer, type TestServer } from './harness.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await t.seed(t.a.id, { contacts: 30, organizations: 5, labels: 4, conversations: 60 });
});
afterAll(() => t?.close());

const Viewer = graphql(`
  query SmokeViewer {
    viewer { workspace { id name } scopes }
    contacts(first: 5) { totalCount edges { node { id name } } }
  }
`);

describe('the server', () => {
  it('answers an authenticated query with the key’s workspace', async () => {
    const data = dataOf(await t.gql(Viewer));
    expect(data.viewer.workspace.name).toBe('Workspace A');
    expect(data.contacts.totalCount).toBe(30);
    expect(data.contacts.edges).toHaveLength(5);
  });
});
