import type { ResultOf } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphRows } from '../src/db/seed.js';
import { generateGraph } from '../src/demo/demo.js';
import type { GraphSize } from '../src/demo/generate.js';
import { encodeGlobalId } from '../src/global-id.js';
import { graphql } from './gql/index.js';
import { dataOf, startTestServer, type TestServer } from './harness.js';

/**
 * Workspace B holds the very same generated graph as A (same emails, phones, external IDs,
 * organization and label names) plus rows of its own, so a missing workspace condition would
 * show up as a wrong row or a wrong count, never as an accident of the data.
 */
const SIZE: GraphSize = { contacts: 40, organizations: 6, labels: 5, conversations: 80 };
const EXTRA: GraphSize = { contacts: 12, organizations: 2, labels: 2, conversations: 20 };

/** `base` plus `extra`, with the extra rows' unique values changed so they cannot collide. */
function extendGraph(base: GraphRows, extra: GraphRows): GraphRows {
  const orgOffset = base.organizations.length;
  const labelOffset = base.labels.length;
  const contactOffset = base.contacts.length;
  return {
    organizations: [
      ...base.organizations,
      ...extra.organizations.map((o, i) => ({
        ...o,
        name: `B only ${i} ${o.name}`,
        domain: `b-only-${i}.${o.domain}`,
      })),
    ],
    labels: [
      ...base.labels,
      ...extra.labels.map((l, i) => ({ ...l, name: `b-only-${i}-${l.name}` })),
    ],
    contacts: [
      ...base.contacts,
      ...extra.contacts.map((c, i) => ({
        ...c,
        name: c.name ?? `B Only ${i}`,
        externalId: `b_only_${i}`,
        email: `b.only.${i}@b-only.example.com`,
        phone: `+1415900${String(1000 + i)}`,
        organization: c.organization === null ? null : c.organization + orgOffset,
        labels: c.labels.map((l) => l + labelOffset),
      })),
    ],
    conversations: [
      ...base.conversations,
      ...extra.conversations.map((c) => ({ ...c, contact: c.contact + contactOffset })),
    ],
  };
}

const graphA = generateGraph(7, SIZE);
const graphB = extendGraph(generateGraph(7, SIZE), generateGraph(8, EXTRA));

const Inventory = graphql(`
  query IsolationInventory {
    viewer { workspace { id name } }
    contacts(first: 100) {
      totalCount
      edges { node { id externalId email phone organization { id } labels { id } } }
    }
    organizations(first: 100) { totalCount edges { node { id } } }
    labels(first: 100) { totalCount edges { node { id } } }
    conversations(first: 100) { totalCount edges { node { id contact { id } } } }
  }
`);

type InventoryData = ResultOf<typeof Inventory>;

async function inventory(key: string) {
  return dataOf(await t.gql(Inventory, {}, { key }));
}

function idsOf(connection: { edges: { node: { id: string } }[] }): string[] {
  return connection.edges.map((e) => e.node.id);
}

function allIds(inv: InventoryData) {
  return {
    contacts: idsOf(inv.contacts),
    organizations: idsOf(inv.organizations),
    labels: idsOf(inv.labels),
    conversations: idsOf(inv.conversations),
  };
}

let t: TestServer;
let invA: InventoryData;
let invB: InventoryData;
let idsA: ReturnType<typeof allIds>;
let idsB: ReturnType<typeof allIds>;

beforeAll(async () => {
  t = await startTestServer();
  await t.seed(t.a.id, graphA);
  await t.seed(t.b.id, graphB);
  invA = await inventory(t.a.keys.read);
  invB = await inventory(t.b.keys.read);
  idsA = allIds(invA);
  idsB = allIds(invB);
});
afterAll(() => t?.close());

const Node = graphql(`
  query IsolationNode($id: ID!) {
    node(id: $id) { id __typename }
  }
`);

const Nodes = graphql(`
  query IsolationNodes($ids: [ID!]!) {
    nodes(ids: $ids) { id __typename }
  }
`);

describe('node and nodes', () => {
  it('resolve every ID of another workspace to null', async () => {
    for (const [type, ids] of Object.entries(idsB)) {
      expect(ids.length, type).toBeGreaterThan(0);
      const response = await t.gql(Nodes, { ids }, { key: t.a.keys.read });
      expect(response.errors, type).toBeUndefined();
      expect(response.data?.nodes, type).toEqual(ids.map(() => null));
    }
  });

  it('resolve the same IDs for their own workspace', async () => {
    for (const [type, ids] of Object.entries(idsB)) {
      const data = dataOf(await t.gql(Nodes, { ids }, { key: t.b.keys.read }));
      expect(
        data.nodes.map((n) => n?.id),
        type,
      ).toEqual(ids);
    }
  });

  it('answer for another workspace’s ID exactly as for an ID that does not exist', async () => {
    const samples = {
      Contact: idsB.contacts[0],
      Organization: idsB.organizations[0],
      Label: idsB.labels[0],
      Conversation: idsB.conversations[0],
    };
    for (const [typename, id] of Object.entries(samples)) {
      const foreign = await t.gql(Node, { id: id as string }, { key: t.a.keys.read });
      const missing = await t.gql(
        Node,
        { id: encodeGlobalId(typename, '987654321') },
        { key: t.a.keys.read },
      );
      expect(foreign, typename).toEqual({ data: { node: null } });
      expect(foreign, typename).toEqual(missing);
    }
  });

  it('return the caller’s own nodes in order, with other workspaces’ IDs in between as null', async () => {
    const ids = [idsA.contacts[0], idsB.contacts[0], idsA.labels[0], idsB.organizations[1]].map(
      String,
    );
    const data = dataOf(await t.gql(Nodes, { ids }, { key: t.a.keys.read }));
    expect(data.nodes).toEqual([
      { id: idsA.contacts[0], __typename: 'Contact' },
      null,
      { id: idsA.labels[0], __typename: 'Label' },
      null,
    ]);
  });
});

const ContactLookup = graphql(`
  query IsolationContactLookup($id: ID, $externalId: String, $email: String, $phone: String) {
    contact(id: $id, externalId: $externalId, email: $email, phone: $phone) { id }
  }
`);

const OrganizationById = graphql(`
  query IsolationOrganization($id: ID!) {
    organization(id: $id) { id }
  }
`);

describe('contact and organization lookups', () => {
  const bOnly = () => {
    const contact = invB.contacts.edges.find((e) => e.node.externalId === 'b_only_0')?.node;
    if (!contact?.email || !contact.phone) throw new Error('seed: B-only contact missing');
    return contact;
  };

  it('find another workspace’s contact by none of its keys', async () => {
    const c = bOnly();
    const lookups = [
      { id: c.id },
      { externalId: c.externalId },
      { email: c.email },
      { email: c.email?.toUpperCase() },
      { phone: c.phone },
    ];
    for (const lookup of lookups) {
      const own = dataOf(await t.gql(ContactLookup, lookup, { key: t.b.keys.read }));
      expect(own.contact?.id, JSON.stringify(lookup)).toBe(c.id);
      const foreign = await t.gql(ContactLookup, lookup, { key: t.a.keys.read });
      expect(foreign, JSON.stringify(lookup)).toEqual({ data: { contact: null } });
    }
  });

  it('resolve an external ID, email or phone both workspaces use to the caller’s own contact', async () => {
    const shared = invA.contacts.edges
      .map((e) => e.node)
      .find((c) => c.externalId && c.email && c.phone);
    if (!shared) throw new Error('seed: no contact with external ID, email and phone');
    const twin = invB.contacts.edges.find((e) => e.node.externalId === shared.externalId)?.node;
    expect(twin?.email).toBe(shared.email);
    expect(twin?.phone).toBe(shared.phone);
    expect(twin?.id).not.toBe(shared.id);
    for (const lookup of [
      { externalId: shared.externalId },
      { email: shared.email },
      { phone: shared.phone },
    ]) {
      const a = dataOf(await t.gql(ContactLookup, lookup, { key: t.a.keys.read }));
      const b = dataOf(await t.gql(ContactLookup, lookup, { key: t.b.keys.read }));
      expect(a.contact?.id, JSON.stringify(lookup)).toBe(shared.id);
      expect(b.contact?.id, JSON.stringify(lookup)).toBe(twin?.id);
    }
  });

  it('find no organization of another workspace by ID', async () => {
    for (const id of idsB.organizations) {
      const response = await t.gql(OrganizationById, { id }, { key: t.a.keys.read });
      expect(response).toEqual({ data: { organization: null } });
    }
    const own = dataOf(
      await t.gql(OrganizationById, { id: String(idsA.organizations[0]) }, { key: t.a.keys.read }),
    );
    expect(own.organization?.id).toBe(idsA.organizations[0]);
  });
});

const Search = graphql(`
  query IsolationSearch($search: String) {
    contacts(search: $search) { totalCount edges { node { id } } }
  }
`);

describe('lists', () => {
  it('count and list only the caller’s contacts, organizations, labels and conversations', () => {
    expect(invA.contacts.totalCount).toBe(graphA.contacts.length);
    expect(invA.organizations.totalCount).toBe(graphA.organizations.length);
    expect(invA.labels.totalCount).toBe(graphA.labels.length);
    expect(invA.conversations.totalCount).toBe(graphA.conversations.length);
    expect(invB.contacts.totalCount).toBe(graphB.contacts.length);
    expect(invB.organizations.totalCount).toBe(graphB.organizations.length);
    expect(invB.labels.totalCount).toBe(graphB.labels.length);
    expect(invB.conversations.totalCount).toBe(graphB.conversations.length);
    for (const type of ['contacts', 'organizations', 'labels', 'conversations'] as const) {
      expect(idsA[type], type).toHaveLength(invA[type].totalCount);
      const foreign = idsA[type].filter((id) => idsB[type].includes(id));
      expect(foreign, type).toEqual([]);
    }
  });

  it('find the rows both workspaces share in the caller’s workspace only', async () => {
    const email = invA.contacts.edges.find((e) => e.node.email)?.node.email as string;
    const data = dataOf(await t.gql(Search, { search: email }, { key: t.a.keys.read }));
    expect(data.contacts.totalCount).toBe(1);
    expect(idsA.contacts).toContain(data.contacts.edges[0]?.node.id);
  });
});

const FilteredCounts = graphql(`
  query IsolationFilteredCounts(
    $contactFilter: ContactFilter
    $conversationFilter: ConversationFilter
  ) {
    contacts(filter: $contactFilter, first: 100) { totalCount edges { node { id } } }
    conversations(filter: $conversationFilter, first: 100) { totalCount edges { node { id } } }
  }
`);

describe('filters', () => {
  async function countsFor(variables: {
    contactFilter?: Record<string, unknown>;
    conversationFilter?: Record<string, unknown>;
  }) {
    const data = dataOf(await t.gql(FilteredCounts, variables, { key: t.a.keys.read }));
    return {
      contacts: data.contacts.totalCount,
      contactIds: idsOf(data.contacts),
      conversations: data.conversations.totalCount,
      conversationIds: idsOf(data.conversations),
    };
  }

  it('match nothing by another workspace’s organization IDs', async () => {
    const [ownOrg] = idsA.organizations;
    const own = await countsFor({ contactFilter: { organizationId: { eq: ownOrg } } });
    expect(own.contacts).toBeGreaterThan(0);
    const byEq = await countsFor({
      contactFilter: { organizationId: { eq: idsB.organizations[0] } },
    });
    expect(byEq.contacts).toBe(0);
    expect(byEq.contactIds).toEqual([]);
    const byIn = await countsFor({ contactFilter: { organizationId: { in: idsB.organizations } } });
    expect(byIn.contacts).toBe(0);
  });

  it('match nothing by another workspace’s label IDs', async () => {
    const own = await countsFor({ contactFilter: { labels: { any: idsA.labels } } });
    expect(own.contacts).toBeGreaterThan(0);
    const any = await countsFor({ contactFilter: { labels: { any: idsB.labels } } });
    expect(any.contacts).toBe(0);
    const all = await countsFor({ contactFilter: { labels: { all: [idsB.labels[0]] } } });
    expect(all.contacts).toBe(0);
    const none = await countsFor({ contactFilter: { labels: { none: idsB.labels } } });
    expect(none.contacts).toBe(graphA.contacts.length);
    expect(none.contactIds.every((id) => idsA.contacts.includes(id))).toBe(true);
  });

  it('match no conversations by another workspace’s contact IDs', async () => {
    const withConversation = invA.conversations.edges[0]?.node.contact.id as string;
    const own = await countsFor({ conversationFilter: { contactId: { eq: withConversation } } });
    expect(own.conversations).toBeGreaterThan(0);
    const twin = invB.conversations.edges[0]?.node.contact.id as string;
    const byEq = await countsFor({ conversationFilter: { contactId: { eq: twin } } });
    expect(byEq.conversations).toBe(0);
    const byIn = await countsFor({ conversationFilter: { contactId: { in: idsB.contacts } } });
    expect(byIn.conversations).toBe(0);
    expect(byIn.conversationIds).toEqual([]);
  });
});

const Nested = graphql(`
  query IsolationNested {
    organizations(first: 100) {
      edges { node { id contacts(first: 100) { totalCount edges { node { id organization { id } } } } } }
    }
    labels(first: 100) {
      edges { node { id contacts(first: 100) { totalCount edges { node { id labels { id } } } } } }
    }
    contacts(first: 100) {
      edges {
        node {
          id
          organization { id contacts(first: 100) { edges { node { id } } } }
          labels { id }
          conversations(first: 100) { totalCount edges { node { id contact { id } } } }
        }
      }
    }
    conversations(first: 100) { edges { node { id contact { id conversations(first: 100) { edges { node { id } } } } } } }
  }
`);

describe('nested fields', () => {
  let nested: Awaited<ReturnType<typeof loadNested>>;
  const loadNested = async () => dataOf(await t.gql(Nested, {}, { key: t.a.keys.read }));
  beforeAll(async () => {
    nested = await loadNested();
  });

  const expectOwn = (ids: string[], own: string[], what: string) => {
    expect(ids.length, what).toBeGreaterThan(0);
    expect(
      ids.filter((id) => !own.includes(id)),
      what,
    ).toEqual([]);
  };

  it('Organization.contacts lists and counts only the caller’s contacts', () => {
    const edges = nested.organizations.edges.flatMap((o) => o.node.contacts.edges);
    expectOwn(
      edges.map((e) => e.node.id),
      idsA.contacts,
      'Organization.contacts',
    );
    const total = nested.organizations.edges.reduce((n, o) => n + o.node.contacts.totalCount, 0);
    expect(total).toBe(graphA.contacts.filter((c) => c.organization !== null).length);
    expect(edges).toHaveLength(total);
  });

  it('Label.contacts lists and counts only the caller’s contacts', () => {
    const edges = nested.labels.edges.flatMap((l) => l.node.contacts.edges);
    expectOwn(
      edges.map((e) => e.node.id),
      idsA.contacts,
      'Label.contacts',
    );
    const total = nested.labels.edges.reduce((n, l) => n + l.node.contacts.totalCount, 0);
    expect(total).toBe(graphA.contacts.reduce((n, c) => n + c.labels.length, 0));
    expect(edges).toHaveLength(total);
  });

  it('Contact.organization and Contact.labels show only the caller’s rows', () => {
    const contacts = nested.contacts.edges.map((e) => e.node);
    const orgs = contacts.flatMap((c) => (c.organization ? [c.organization.id] : []));
    expectOwn(orgs, idsA.organizations, 'Contact.organization');
    expect(orgs).toHaveLength(graphA.contacts.filter((c) => c.organization !== null).length);
    const labels = contacts.flatMap((c) => c.labels.map((l) => l.id));
    expectOwn(labels, idsA.labels, 'Contact.labels');
    expect(labels).toHaveLength(graphA.contacts.reduce((n, c) => n + c.labels.length, 0));
    const orgContacts = contacts.flatMap(
      (c) => c.organization?.contacts.edges.map((e) => e.node.id) ?? [],
    );
    expectOwn(orgContacts, idsA.contacts, 'Contact.organization.contacts');
  });

  it('Contact.conversations lists and counts only the caller’s conversations', () => {
    const contacts = nested.contacts.edges.map((e) => e.node);
    const conversations = contacts.flatMap((c) => c.conversations.edges.map((e) => e.node));
    expectOwn(
      conversations.map((c) => c.id),
      idsA.conversations,
      'Contact.conversations',
    );
    expect(contacts.reduce((n, c) => n + c.conversations.totalCount, 0)).toBe(
      graphA.conversations.length,
    );
    for (const c of contacts) {
      for (const e of c.conversations.edges) expect(e.node.contact.id).toBe(c.id);
    }
  });

  it('Conversation.contact shows only the caller’s contacts', () => {
    const conversations = nested.conversations.edges.map((e) => e.node);
    expectOwn(
      conversations.map((c) => c.contact.id),
      idsA.contacts,
      'Conversation.contact',
    );
    for (const c of conversations) {
      const siblings = c.contact.conversations.edges.map((e) => e.node.id);
      expectOwn(siblings, idsA.conversations, 'Conversation.contact.conversations');
      expect(siblings).toContain(c.id);
    }
  });
});

describe('viewer', () => {
  it('is the workspace of the key making the request', () => {
    expect(invA.viewer.workspace).toEqual({ id: t.a.globalId, name: 'Workspace A' });
    expect(invB.viewer.workspace).toEqual({ id: t.b.globalId, name: 'Workspace B' });
  });
});
