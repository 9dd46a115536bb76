import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.js';
import { dataOf, type GraphQLResponse, startTestServer, type TestServer } from './harness.js';

/**
 * Nested fields load in batches: a response costs the same few SQL statements whatever the page
 * size. Every count below includes the API-key lookup.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await t.seed(t.a.id, { contacts: 150, organizations: 30, labels: 10, conversations: 600 });
});
afterAll(() => t?.close());

/** Runs `run` and returns its result with the number of SQL statements it cost. */
async function measure<T>(run: () => Promise<GraphQLResponse<T>>) {
  let response: GraphQLResponse<T> | undefined;
  const statements = await t.countStatements(async () => {
    response = await run();
  });
  return { data: dataOf(response as GraphQLResponse<T>), statements };
}

const ContactPage = graphql(`
  query NPlusOneContacts($first: Int!) {
    contacts(first: $first) {
      edges {
        node {
          id
          name
          organization { id name }
          labels { id name }
          conversations(first: 5) { totalCount edges { node { id status subject } } }
        }
      }
    }
  }
`);

describe('a page of contacts with organization, labels and conversations', () => {
  it('costs the same few statements for 10 contacts as for 50', async () => {
    const small = await measure(() => t.gql(ContactPage, { first: 10 }));
    const large = await measure(() => t.gql(ContactPage, { first: 50 }));
    expect(small.data.contacts.edges).toHaveLength(10);
    expect(large.data.contacts.edges).toHaveLength(50);
    // The nested fields really are there, or a low count would prove nothing.
    const nodes = large.data.contacts.edges.map((e) => e.node);
    expect(nodes.filter((c) => c.organization).length).toBeGreaterThan(10);
    expect(nodes.filter((c) => c.labels.length > 0).length).toBeGreaterThan(10);
    expect(nodes.filter((c) => c.conversations.edges.length > 0).length).toBeGreaterThan(10);
    expect(nodes.some((c) => c.conversations.totalCount > 5)).toBe(true);
    // key, contacts, organizations, labels, conversation pages, conversation counts
    expect(large.statements).toBeLessThanOrEqual(6);
    expect(large.statements).toBe(small.statements);
  });
});

const OrganizationPage = graphql(`
  query NPlusOneOrganizations($first: Int!) {
    organizations(first: $first) {
      edges {
        node {
          id
          name
          contacts(first: 5) {
            totalCount
            edges { node { id name organization { id } labels { id } } }
          }
        }
      }
    }
  }
`);

describe('a page of organizations with their contacts', () => {
  it('costs the same few statements for 5 organizations as for 20', async () => {
    const small = await measure(() => t.gql(OrganizationPage, { first: 5 }));
    const large = await measure(() => t.gql(OrganizationPage, { first: 20 }));
    expect(large.data.organizations.edges).toHaveLength(20);
    const orgs = large.data.organizations.edges.map((e) => e.node);
    expect(orgs.filter((o) => o.contacts.edges.length > 0).length).toBeGreaterThan(10);
    expect(orgs.some((o) => o.contacts.totalCount > 5)).toBe(true);
    for (const o of orgs) {
      for (const e of o.contacts.edges) expect(e.node.organization?.id).toBe(o.id);
    }
    // key, organizations, contact pages, contact counts, organizations by id, labels
    expect(large.statements).toBeLessThanOrEqual(6);
    expect(large.statements).toBe(small.statements);
  });
});

const LabelPage = graphql(`
  query NPlusOneLabels($first: Int!) {
    labels(first: $first) {
      totalCount
      edges {
        node {
          id
          name
          contacts(first: 3) { totalCount edges { node { id name organization { id name } } } }
        }
      }
    }
  }
`);

describe('a page of labels with their contacts', () => {
  it('costs the same few statements for 3 labels as for 10', async () => {
    const small = await measure(() => t.gql(LabelPage, { first: 3 }));
    const large = await measure(() => t.gql(LabelPage, { first: 10 }));
    expect(large.data.labels.edges).toHaveLength(10);
    const labels = large.data.labels.edges.map((e) => e.node);
    expect(labels.every((l) => l.contacts.edges.length === 3)).toBe(true);
    expect(labels.every((l) => l.contacts.totalCount > 3)).toBe(true);
    // key, labels, label count, contact pages, contact counts, organizations
    expect(large.statements).toBeLessThanOrEqual(6);
    expect(large.statements).toBe(small.statements);
  });
});

const ConversationPage = graphql(`
  query NPlusOneConversations($first: Int!) {
    conversations(first: $first) {
      edges { node { id status contact { id name organization { id name } labels { id } } } }
    }
  }
`);

describe('a page of conversations with their contacts', () => {
  it('costs the same few statements for 10 conversations as for 100', async () => {
    const small = await measure(() => t.gql(ConversationPage, { first: 10 }));
    const large = await measure(() => t.gql(ConversationPage, { first: 100 }));
    expect(large.data.conversations.edges).toHaveLength(100);
    const contacts = new Set(large.data.conversations.edges.map((e) => e.node.contact.id));
    expect(contacts.size).toBeGreaterThan(30);
    // key, conversations, contacts, organizations, labels
    expect(large.statements).toBeLessThanOrEqual(5);
    expect(large.statements).toBe(small.statements);
  });
});

const ContactIds = graphql(`
  query NPlusOneContactIds {
    contacts(first: 100) { edges { node { id } } }
  }
`);

const NodesWithFields = graphql(`
  query NPlusOneNodes($ids: [ID!]!) {
    nodes(ids: $ids) {
      id
      ... on Contact {
        name
        organization { id name contacts(first: 2) { totalCount edges { node { id } } } }
        labels { id name }
        conversations(first: 5) { totalCount edges { node { id status } } }
      }
    }
  }
`);

describe('nodes(ids:) with nested fields', () => {
  it('costs the same few statements for 10 contact IDs as for 50', async () => {
    const all = dataOf(await t.gql(ContactIds)).contacts.edges.map((e) => e.node.id);
    const small = await measure(() => t.gql(NodesWithFields, { ids: all.slice(0, 10) }));
    const large = await measure(() => t.gql(NodesWithFields, { ids: all.slice(50, 100) }));
    expect(large.data.nodes.map((n) => n?.id)).toEqual(all.slice(50, 100));
    const contacts = large.data.nodes.flatMap((n) => (n && 'conversations' in n ? [n] : []));
    expect(contacts).toHaveLength(50);
    expect(contacts.filter((c) => c.organization).length).toBeGreaterThan(10);
    expect(contacts.filter((c) => c.labels.length > 0).length).toBeGreaterThan(10);
    expect(contacts.filter((c) => c.conversations.totalCount > 0).length).toBeGreaterThan(10);
    // key, contacts by id, organizations, their contact pages and counts, labels,
    // conversation pages, conversation counts
    expect(large.statements).toBeLessThanOrEqual(8);
    expect(large.statements).toBe(small.statements);
  });

  it('loads mixed node types with one statement per type', async () => {
    const page = dataOf(
      await t.gql<
        {
          contacts: { edges: { node: { id: string } }[] };
          organizations: { edges: { node: { id: string } }[] };
          labels: { edges: { node: { id: string } }[] };
          conversations: { edges: { node: { id: string } }[] };
        },
        unknown
      >(`{
        contacts(first: 20) { edges { node { id } } }
        organizations(first: 20) { edges { node { id } } }
        labels(first: 10) { edges { node { id } } }
        conversations(first: 20) { edges { node { id } } }
      }`),
    );
    const ids = [
      ...page.contacts.edges,
      ...page.organizations.edges,
      ...page.labels.edges,
      ...page.conversations.edges,
    ].map((e) => e.node.id);
    expect(ids).toHaveLength(70);
    const { data, statements } = await measure(() =>
      t.gql<{ nodes: ({ id: string } | null)[] }, { ids: string[] }>(
        'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }',
        { ids },
      ),
    );
    expect(data.nodes.map((n) => n?.id)).toEqual(ids);
    // key + one statement per node type
    expect(statements).toBe(5);
  });
});
