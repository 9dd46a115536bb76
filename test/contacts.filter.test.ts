import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject, NewContact } from '../src/db/schema.js';
import { encodeGlobalId } from '../src/global-id.js';
import type { ContactFilter, FilterTestContactLookupQueryVariables } from './gql/graphql.js';
import { graphql } from './gql/index.js';
import { dataOf, type GraphQLResponse, startTestServer, type TestServer } from './harness.js';

/**
 * Filters, search and single-contact lookups over a small, exact set of contacts. Every row is
 * inserted by hand (there are no write mutations yet), so each expectation names the contacts
 * it must return, and `not` of each filter must return exactly the other live contacts.
 */

let t: TestServer;

type ContactRow = Omit<NewContact, 'workspaceId' | 'customAttributes'> & {
  customAttributes?: JsonObject;
  labels?: LabelKey[];
};

type LabelKey = 'vip' | 'beta' | 'partner';
type OrganizationKey = 'acme' | 'globex';

const day = (d: number, month = 1) =>
  `2024-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}T00:00:00.000Z`;

/** The fixture: keys name contacts in expectations; `xander` is soft-deleted. */
const CONTACTS = {
  xenia: {
    name: 'Xenia Alvarez',
    email: 'xenia@acme.com',
    phone: '+14155550100',
    externalId: 'CRM-001',
    labels: ['vip', 'beta'],
    customAttributes: {
      plan: 'pro',
      seats: 9,
      tags: ['red', 'blue'],
      renewsOn: '2025-03-01',
      note: 'Big Customer',
      active: true,
    },
    createdAt: day(1),
    updatedAt: day(1, 2),
    lastActivityAt: '2024-06-01T12:00:00.123Z',
  },
  bob: {
    name: 'bob builder',
    email: 'bob@acme.com',
    externalId: 'crm-002',
    emailVerifiedAt: day(1),
    labels: ['vip'],
    customAttributes: {
      plan: 'free',
      seats: 10,
      tags: ['blue'],
      scores: [1, 2, 3],
      renewsOn: '2025-12-15',
      active: false,
    },
    createdAt: day(2),
    updatedAt: day(2, 2),
  },
  carol: {
    name: 'Carol Danvers',
    email: 'carol@globex.com',
    phone: '+442071838750',
    phoneVerifiedAt: day(1),
    labels: ['beta'],
    customAttributes: { plan: 'PRO', seats: '10', tags: 'Red Team', renewsOn: '2024-11-30' },
    createdAt: day(3),
    updatedAt: day(2, 2),
    lastActivityAt: '2024-05-01T00:00:00.000Z',
  },
  ghost: {
    phone: '+14155550199',
    externalId: 'CRM-004',
    blocked: true,
    createdAt: day(4),
    updatedAt: day(3, 2),
    lastActivityAt: '2024-07-01T00:00:00.000Z',
  },
  vendor: {
    name: 'Acme Supplies',
    email: 'sales@supplies.io',
    externalId: 'V-1',
    isVendor: true,
    labels: ['partner'],
    customAttributes: { plan: null },
    createdAt: day(5),
    updatedAt: day(3, 2),
    lastActivityAt: '2024-04-01T00:00:00.000Z',
  },
  promo: {
    name: 'Promo 100%_off',
    email: 'promo@example.org',
    phone: '+33142685300',
    externalId: 'X_1',
    customAttributes: { note: 'save 100%_now', seats: 2 },
    createdAt: day(6),
    updatedAt: day(4, 2),
  },
  decoy: {
    name: 'Promo 100xxoff',
    email: 'promo100@example.org',
    externalId: 'XY1',
    customAttributes: { note: 'save 100xxnow', scores: '1 2 3' },
    createdAt: day(7),
    updatedAt: day(4, 2),
  },
  nameless: {
    email: 'anon@acme.com',
    customAttributes: { seats: 9.5 },
    createdAt: day(8),
    updatedAt: day(5, 2),
  },
  emile: {
    name: 'Émile Zola',
    email: 'emile@zola.fr',
    phone: '+33612345678',
    labels: ['partner'],
    createdAt: day(9),
    updatedAt: day(6, 2),
    lastActivityAt: '2024-03-01T00:00:00.000Z',
  },
  xander: {
    name: 'Xander Deleted',
    email: 'xander@acme.com',
    phone: '+14155550111',
    externalId: 'CRM-009',
    labels: ['vip'],
    customAttributes: { plan: 'pro' },
    createdAt: day(10),
    updatedAt: day(7, 2),
    deletedAt: '2024-08-01T00:00:00.000Z',
  },
} satisfies Record<string, ContactRow>;

type Key = keyof typeof CONTACTS;

const ORGANIZATION_OF: Partial<Record<Key, OrganizationKey>> = {
  xenia: 'acme',
  bob: 'acme',
  carol: 'globex',
  emile: 'globex',
  xander: 'acme',
};

const LIVE = (Object.keys(CONTACTS) as Key[]).filter((k) => k !== 'xander');

const ids = {} as Record<Key, string>;
const keyById = new Map<string, Key>();
const orgs = {} as Record<OrganizationKey, string>;
const labels = {} as Record<LabelKey, string>;

async function insertFixture(workspaceId: string) {
  const db = t.database.db;
  const orgLocalIds = {} as Record<OrganizationKey, string>;
  for (const [key, domain] of [
    ['acme', 'acme.com'],
    ['globex', 'globex.com'],
  ] as const) {
    const row = await db
      .insertInto('organizations')
      .values({ workspaceId, name: key, domain })
      .returning('id')
      .executeTakeFirstOrThrow();
    orgLocalIds[key] = row.id;
    orgs[key] = encodeGlobalId('Organization', row.id);
  }
  const labelIds = {} as Record<LabelKey, string>;
  for (const name of ['vip', 'beta', 'partner'] as const) {
    const row = await db
      .insertInto('labels')
      .values({ workspaceId, name })
      .returning('id')
      .executeTakeFirstOrThrow();
    labelIds[name] = row.id;
    labels[name] = encodeGlobalId('Label', row.id);
  }
  for (const [key, contact] of Object.entries(CONTACTS) as [Key, ContactRow][]) {
    const { labels: contactLabels = [], customAttributes = {}, ...columns } = contact;
    const organization = ORGANIZATION_OF[key];
    const row = await db
      .insertInto('contacts')
      .values({
        ...columns,
        workspaceId,
        organizationId: organization ? orgLocalIds[organization] : null,
        customAttributes: JSON.stringify(customAttributes),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids[key] = encodeGlobalId('Contact', row.id);
    keyById.set(ids[key], key);
    for (const label of contactLabels) {
      await db
        .insertInto('contactLabels')
        .values({ workspaceId, contactId: row.id, labelId: labelIds[label] })
        .execute();
    }
  }
}

beforeAll(async () => {
  t = await startTestServer();
  await insertFixture(t.a.id);
  // Workspace B holds a look-alike that must never show up in A's results.
  await t.database.db
    .insertInto('contacts')
    .values({
      workspaceId: t.b.id,
      name: 'Xenia Alvarez',
      email: 'xenia@acme.com',
      customAttributes: JSON.stringify({ plan: 'pro' }),
    })
    .execute();
});
afterAll(() => t?.close());

const FilteredContacts = graphql(`
  query FilterTestContacts($filter: ContactFilter, $search: String) {
    contacts(first: 100, filter: $filter, search: $search) {
      totalCount
      edges { node { id deletedAt } }
    }
  }
`);

/** The keys of the contacts a filter returns, sorted; checks totalCount agrees with the list. */
async function keysFor(filter: ContactFilter | null, search?: string): Promise<Key[]> {
  const data = dataOf(await t.gql(FilteredContacts, { filter, search }));
  const keys = data.contacts.edges.map((e) => {
    const key = keyById.get(e.node.id);
    if (!key) throw new Error(`unexpected contact ${e.node.id}`);
    return key;
  });
  expect(data.contacts.totalCount).toBe(keys.length);
  expect(new Set(keys).size).toBe(keys.length);
  return keys.sort();
}

const sorted = (keys: readonly Key[]) => [...keys].sort();
const allLiveExcept = (...keys: Key[]) => LIVE.filter((k) => !keys.includes(k));

function expectBadInput(response: GraphQLResponse<unknown>, argument?: string | RegExp) {
  expect(response.errors?.length).toBeGreaterThan(0);
  const error = response.errors?.[0];
  expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
  if (argument !== undefined) expect(error?.extensions?.argument).toMatch(argument);
}

type Case = { title: string; filter: () => ContactFilter; expected: Key[] };

/** Filter cases; `filter` is a function because ids are known only after the fixture is in. */
const CASES: Case[] = [
  // name: eq/neq/in ignore case; contains/startsWith ignore case; % and _ are literal.
  {
    title: 'name eq ignores case',
    filter: () => ({ name: { eq: 'XENIA ALVAREZ' } }),
    expected: ['xenia'],
  },
  {
    title: 'name eq ignores case beyond ASCII',
    filter: () => ({ name: { eq: 'émile zola' } }),
    expected: ['emile'],
  },
  {
    title: 'name neq ignores case and includes contacts without a name',
    filter: () => ({ name: { neq: 'xenia alvarez' } }),
    expected: allLiveExcept('xenia'),
  },
  {
    title: 'name in ignores case',
    filter: () => ({ name: { in: ['BOB BUILDER', 'carol danvers', 'nobody'] } }),
    expected: ['bob', 'carol'],
  },
  {
    title: 'name in with an empty list matches nothing',
    filter: () => ({ name: { in: [] } }),
    expected: [],
  },
  {
    title: 'name contains ignores case',
    filter: () => ({ name: { contains: 'AR' } }),
    expected: ['carol', 'xenia'],
  },
  {
    title: 'name contains looks at the name only, not at other searchable fields',
    filter: () => ({ name: { contains: 'ACME' } }),
    expected: ['vendor'],
  },
  {
    title: 'name contains ignores case beyond ASCII',
    filter: () => ({ name: { contains: 'ÉMILE' } }),
    expected: ['emile'],
  },
  {
    title: 'name contains treats % and _ literally',
    filter: () => ({ name: { contains: '0%_o' } }),
    expected: ['promo'],
  },
  {
    title: 'name contains treats a lone _ literally',
    filter: () => ({ name: { contains: '_' } }),
    expected: ['promo'],
  },
  {
    title: 'name startsWith ignores case',
    filter: () => ({ name: { startsWith: 'B' } }),
    expected: ['bob'],
  },
  {
    title: 'name startsWith treats % literally',
    filter: () => ({ name: { startsWith: 'PROMO 100%' } }),
    expected: ['promo'],
  },
  {
    title: 'name startsWith matches only at the start',
    filter: () => ({ name: { startsWith: 'alvarez' } }),
    expected: [],
  },
  {
    title: 'name isNull true finds contacts without a name',
    filter: () => ({ name: { isNull: true } }),
    expected: ['ghost', 'nameless'],
  },
  {
    title: 'name isNull false finds contacts with a name',
    filter: () => ({ name: { isNull: false } }),
    expected: allLiveExcept('ghost', 'nameless'),
  },
  {
    title: 'several operators of one string filter must all hold',
    filter: () => ({ name: { startsWith: 'promo', neq: 'PROMO 100XXOFF' } }),
    expected: ['promo'],
  },

  // email: lower-cased on write, so comparisons ignore case.
  {
    title: 'email eq ignores case',
    filter: () => ({ email: { eq: 'BOB@ACME.COM' } }),
    expected: ['bob'],
  },
  {
    title: 'email neq includes contacts without an email',
    filter: () => ({ email: { neq: 'Bob@Acme.com' } }),
    expected: allLiveExcept('bob'),
  },
  {
    title: 'email in ignores case',
    filter: () => ({ email: { in: ['XENIA@ACME.COM', 'carol@globex.com'] } }),
    expected: ['carol', 'xenia'],
  },
  {
    title: 'email contains ignores case',
    filter: () => ({ email: { contains: '@ACME' } }),
    expected: ['bob', 'nameless', 'xenia'],
  },
  {
    title: 'email startsWith ignores case',
    filter: () => ({ email: { startsWith: 'PROMO' } }),
    expected: ['decoy', 'promo'],
  },
  {
    title: 'email startsWith treats _ literally',
    filter: () => ({ email: { startsWith: 'promo_' } }),
    expected: [],
  },
  {
    title: 'email isNull true finds contacts without an email',
    filter: () => ({ email: { isNull: true } }),
    expected: ['ghost'],
  },
  {
    title: 'email isNull false finds contacts with an email',
    filter: () => ({ email: { isNull: false } }),
    expected: allLiveExcept('ghost'),
  },

  // phone: exact for eq/neq/in.
  {
    title: 'phone eq matches the E.164 number',
    filter: () => ({ phone: { eq: '+14155550100' } }),
    expected: ['xenia'],
  },
  {
    title: 'phone neq includes contacts without a phone',
    filter: () => ({ phone: { neq: '+14155550100' } }),
    expected: allLiveExcept('xenia'),
  },
  {
    title: 'phone in matches any listed number',
    filter: () => ({ phone: { in: ['+442071838750', '+33612345678'] } }),
    expected: ['carol', 'emile'],
  },
  {
    title: 'phone contains matches a substring',
    filter: () => ({ phone: { contains: '555' } }),
    expected: ['ghost', 'xenia'],
  },
  {
    title: 'phone startsWith matches a country code',
    filter: () => ({ phone: { startsWith: '+33' } }),
    expected: ['emile', 'promo'],
  },
  {
    title: 'phone isNull true finds contacts without a phone',
    filter: () => ({ phone: { isNull: true } }),
    expected: ['bob', 'decoy', 'nameless', 'vendor'],
  },
  {
    title: 'phone isNull false finds contacts with a phone',
    filter: () => ({ phone: { isNull: false } }),
    expected: ['carol', 'emile', 'ghost', 'promo', 'xenia'],
  },

  // externalId: exact case for eq/neq/in, case-insensitive substring operators.
  {
    title: 'externalId eq is exact',
    filter: () => ({ externalId: { eq: 'CRM-001' } }),
    expected: ['xenia'],
  },
  {
    title: 'externalId eq respects case',
    filter: () => ({ externalId: { eq: 'crm-001' } }),
    expected: [],
  },
  {
    title: 'externalId neq includes contacts without an external ID',
    filter: () => ({ externalId: { neq: 'CRM-001' } }),
    expected: allLiveExcept('xenia'),
  },
  {
    title: 'externalId neq respects case',
    filter: () => ({ externalId: { neq: 'crm-001' } }),
    expected: LIVE,
  },
  {
    title: 'externalId in is exact',
    filter: () => ({ externalId: { in: ['crm-002', 'CRM-004'] } }),
    expected: ['bob', 'ghost'],
  },
  {
    title: 'externalId in respects case',
    filter: () => ({ externalId: { in: ['CRM-002'] } }),
    expected: [],
  },
  {
    title: 'externalId contains ignores case',
    filter: () => ({ externalId: { contains: 'crm' } }),
    expected: ['bob', 'ghost', 'xenia'],
  },
  {
    title: 'externalId startsWith ignores case and treats _ literally',
    filter: () => ({ externalId: { startsWith: 'x_' } }),
    expected: ['promo'],
  },
  {
    title: 'externalId isNull true finds contacts without an external ID',
    filter: () => ({ externalId: { isNull: true } }),
    expected: ['carol', 'emile', 'nameless'],
  },
  {
    title: 'externalId isNull false finds contacts with an external ID',
    filter: () => ({ externalId: { isNull: false } }),
    expected: allLiveExcept('carol', 'emile', 'nameless'),
  },

  // type, blocked, organization.
  {
    title: 'type GHOST finds contacts without a name or a way to reach them',
    filter: () => ({ type: ['GHOST'] }),
    expected: ['ghost', 'nameless'],
  },
  {
    title: 'type CONTACT finds contacts with a verified email or phone',
    filter: () => ({ type: ['CONTACT'] }),
    expected: ['bob', 'carol'],
  },
  {
    title: 'type VENDOR finds vendors',
    filter: () => ({ type: ['VENDOR'] }),
    expected: ['vendor'],
  },
  {
    title: 'type with several values finds any of them',
    filter: () => ({ type: ['LEAD', 'VENDOR'] }),
    expected: ['decoy', 'emile', 'promo', 'vendor', 'xenia'],
  },
  { title: 'type with an empty list matches nothing', filter: () => ({ type: [] }), expected: [] },
  {
    title: 'blocked true finds blocked contacts',
    filter: () => ({ blocked: true }),
    expected: ['ghost'],
  },
  {
    title: 'blocked false finds contacts that are not blocked',
    filter: () => ({ blocked: false }),
    expected: allLiveExcept('ghost'),
  },
  {
    title: 'organizationId eq finds the organization’s contacts',
    filter: () => ({ organizationId: { eq: orgs.acme } }),
    expected: ['bob', 'xenia'],
  },
  {
    title: 'organizationId in finds contacts of any listed organization',
    filter: () => ({ organizationId: { in: [orgs.acme, orgs.globex] } }),
    expected: ['bob', 'carol', 'emile', 'xenia'],
  },
  {
    title: 'organizationId in with an empty list matches nothing',
    filter: () => ({ organizationId: { in: [] } }),
    expected: [],
  },
  {
    title: 'organizationId isNull true finds contacts without an organization',
    filter: () => ({ organizationId: { isNull: true } }),
    expected: ['decoy', 'ghost', 'nameless', 'promo', 'vendor'],
  },
  {
    title: 'organizationId isNull false finds contacts with an organization',
    filter: () => ({ organizationId: { isNull: false } }),
    expected: ['bob', 'carol', 'emile', 'xenia'],
  },

  // labels.
  {
    title: 'labels any finds contacts carrying the label',
    filter: () => ({ labels: { any: [labels.vip] } }),
    expected: ['bob', 'xenia'],
  },
  {
    title: 'labels any finds contacts carrying one of several labels',
    filter: () => ({ labels: { any: [labels.vip, labels.partner] } }),
    expected: ['bob', 'emile', 'vendor', 'xenia'],
  },
  {
    title: 'labels any with an empty list matches nothing',
    filter: () => ({ labels: { any: [] } }),
    expected: [],
  },
  {
    title: 'labels all finds contacts carrying every label',
    filter: () => ({ labels: { all: [labels.vip, labels.beta] } }),
    expected: ['xenia'],
  },
  {
    title: 'labels all counts a repeated label once',
    filter: () => ({ labels: { all: [labels.vip, labels.vip] } }),
    expected: ['bob', 'xenia'],
  },
  {
    title: 'labels none finds contacts carrying none of the labels',
    filter: () => ({ labels: { none: [labels.vip, labels.partner] } }),
    expected: ['carol', 'decoy', 'ghost', 'nameless', 'promo'],
  },
  {
    title: 'labels any and none together must both hold',
    filter: () => ({ labels: { any: [labels.beta], none: [labels.vip] } }),
    expected: ['carol'],
  },

  // Date-times.
  {
    title: 'createdAt eq matches the exact instant',
    filter: () => ({ createdAt: { eq: day(2) } }),
    expected: ['bob'],
  },
  {
    title: 'createdAt gt is strict',
    filter: () => ({ createdAt: { gt: day(8) } }),
    expected: ['emile'],
  },
  {
    title: 'createdAt gte includes the instant',
    filter: () => ({ createdAt: { gte: day(8) } }),
    expected: ['emile', 'nameless'],
  },
  {
    title: 'createdAt lt is strict',
    filter: () => ({ createdAt: { lt: day(2) } }),
    expected: ['xenia'],
  },
  {
    title: 'createdAt lte includes the instant',
    filter: () => ({ createdAt: { lte: day(2) } }),
    expected: ['bob', 'xenia'],
  },
  {
    title: 'createdAt gt and lt together give a range',
    filter: () => ({ createdAt: { gt: day(2), lt: day(5) } }),
    expected: ['carol', 'ghost'],
  },
  {
    title: 'createdAt isNull true matches nothing since every contact has one',
    filter: () => ({ createdAt: { isNull: true } }),
    expected: [],
  },
  {
    title: 'createdAt isNull false matches every contact',
    filter: () => ({ createdAt: { isNull: false } }),
    expected: LIVE,
  },
  {
    title: 'updatedAt eq matches every contact at that instant',
    filter: () => ({ updatedAt: { eq: day(2, 2) } }),
    expected: ['bob', 'carol'],
  },
  {
    title: 'updatedAt gt is strict',
    filter: () => ({ updatedAt: { gt: day(5, 2) } }),
    expected: ['emile'],
  },
  {
    title: 'updatedAt gte includes the instant',
    filter: () => ({ updatedAt: { gte: day(5, 2) } }),
    expected: ['emile', 'nameless'],
  },
  {
    title: 'updatedAt lt is strict',
    filter: () => ({ updatedAt: { lt: day(2, 2) } }),
    expected: ['xenia'],
  },
  {
    title: 'updatedAt lte includes the instant',
    filter: () => ({ updatedAt: { lte: day(2, 2) } }),
    expected: ['bob', 'carol', 'xenia'],
  },
  {
    title: 'updatedAt isNull false matches every contact',
    filter: () => ({ updatedAt: { isNull: false } }),
    expected: LIVE,
  },
  {
    title: 'lastActivityAt eq compares to the millisecond',
    filter: () => ({ lastActivityAt: { eq: '2024-06-01T12:00:00.123Z' } }),
    expected: ['xenia'],
  },
  {
    title: 'lastActivityAt eq does not match a different millisecond',
    filter: () => ({ lastActivityAt: { eq: '2024-06-01T12:00:00.000Z' } }),
    expected: [],
  },
  {
    title: 'lastActivityAt gt reads time zone offsets',
    filter: () => ({ lastActivityAt: { gt: '2024-06-01T14:00:00.000+02:00' } }),
    expected: ['ghost', 'xenia'],
  },
  {
    title: 'lastActivityAt gte includes the instant',
    filter: () => ({ lastActivityAt: { gte: '2024-05-01T00:00:00.000Z' } }),
    expected: ['carol', 'ghost', 'xenia'],
  },
  {
    title: 'lastActivityAt lt excludes contacts without activity',
    filter: () => ({ lastActivityAt: { lt: '2024-05-01T00:00:00.000Z' } }),
    expected: ['emile', 'vendor'],
  },
  {
    title: 'lastActivityAt lte includes the instant',
    filter: () => ({ lastActivityAt: { lte: '2024-05-01T00:00:00.000Z' } }),
    expected: ['carol', 'emile', 'vendor'],
  },
  {
    title: 'lastActivityAt isNull true finds contacts without activity',
    filter: () => ({ lastActivityAt: { isNull: true } }),
    expected: ['bob', 'decoy', 'nameless', 'promo'],
  },
  {
    title: 'lastActivityAt isNull false finds contacts with activity',
    filter: () => ({ lastActivityAt: { isNull: false } }),
    expected: ['carol', 'emile', 'ghost', 'vendor', 'xenia'],
  },

  // Custom attributes, compared as JSON.
  {
    title: 'attribute eq compares strings exactly',
    filter: () => ({ attributes: [{ key: 'plan', eq: 'pro' }] }),
    expected: ['xenia'],
  },
  {
    title: 'attribute eq on a number does not match the same digits as a string',
    filter: () => ({ attributes: [{ key: 'seats', eq: 10 }] }),
    expected: ['bob'],
  },
  {
    title: 'attribute eq on a string does not match the same digits as a number',
    filter: () => ({ attributes: [{ key: 'seats', eq: '10' }] }),
    expected: ['carol'],
  },
  {
    title: 'attribute eq matches booleans',
    filter: () => ({ attributes: [{ key: 'active', eq: true }] }),
    expected: ['xenia'],
  },
  {
    title: 'attribute eq on an array needs the whole array',
    filter: () => ({ attributes: [{ key: 'tags', eq: ['blue'] }] }),
    expected: ['bob'],
  },
  {
    title: 'attribute neq includes contacts without the attribute',
    filter: () => ({ attributes: [{ key: 'plan', neq: 'pro' }] }),
    expected: allLiveExcept('xenia'),
  },
  {
    title: 'attribute in matches any listed value',
    filter: () => ({ attributes: [{ key: 'plan', in: ['free', 'PRO'] }] }),
    expected: ['bob', 'carol'],
  },
  {
    title: 'attribute in keeps JSON types apart',
    filter: () => ({ attributes: [{ key: 'seats', in: [10, 'nine'] }] }),
    expected: ['bob'],
  },
  {
    title: 'attribute in with an empty list matches nothing',
    filter: () => ({ attributes: [{ key: 'plan', in: [] }] }),
    expected: [],
  },
  {
    title: 'attribute contains finds an array element or a substring of a text',
    filter: () => ({ attributes: [{ key: 'tags', contains: 'red' }] }),
    expected: ['carol', 'xenia'],
  },
  {
    title: 'attribute contains matches array elements exactly',
    filter: () => ({ attributes: [{ key: 'tags', contains: 'blue' }] }),
    expected: ['bob', 'xenia'],
  },
  {
    title: 'attribute contains ignores case on text',
    filter: () => ({ attributes: [{ key: 'note', contains: 'CUSTOMER' }] }),
    expected: ['xenia'],
  },
  {
    title: 'attribute contains treats % and _ literally',
    filter: () => ({ attributes: [{ key: 'note', contains: '%_' }] }),
    expected: ['promo'],
  },
  {
    title: 'attribute contains with a number looks inside arrays only',
    filter: () => ({ attributes: [{ key: 'scores', contains: 2 }] }),
    expected: ['bob'],
  },
  {
    title: 'attribute gt compares numbers numerically, never with strings',
    filter: () => ({ attributes: [{ key: 'seats', gt: 9 }] }),
    expected: ['bob', 'nameless'],
  },
  {
    title: 'attribute gte includes the value',
    filter: () => ({ attributes: [{ key: 'seats', gte: 9 }] }),
    expected: ['bob', 'nameless', 'xenia'],
  },
  {
    title: 'attribute lt compares numbers numerically',
    filter: () => ({ attributes: [{ key: 'seats', lt: 10 }] }),
    expected: ['nameless', 'promo', 'xenia'],
  },
  {
    title: 'attribute lte includes the value',
    filter: () => ({ attributes: [{ key: 'seats', lte: 9.5 }] }),
    expected: ['nameless', 'promo', 'xenia'],
  },
  {
    title: 'attribute lt with a string compares strings only',
    filter: () => ({ attributes: [{ key: 'seats', lt: '9' }] }),
    expected: ['carol'],
  },
  {
    title: 'attribute gt and lt together give a numeric range',
    filter: () => ({ attributes: [{ key: 'seats', gt: 2, lt: 10 }] }),
    expected: ['nameless', 'xenia'],
  },
  {
    title: 'attribute gt with an ISO date compares in time order',
    filter: () => ({ attributes: [{ key: 'renewsOn', gt: '2025-01-01' }] }),
    expected: ['bob', 'xenia'],
  },
  {
    title: 'attribute gte with an ISO date includes the day',
    filter: () => ({ attributes: [{ key: 'renewsOn', gte: '2025-03-01' }] }),
    expected: ['bob', 'xenia'],
  },
  {
    title: 'attribute lt with an ISO date compares in time order',
    filter: () => ({ attributes: [{ key: 'renewsOn', lt: '2025-03-01' }] }),
    expected: ['carol'],
  },
  {
    title: 'attribute lte with an ISO date includes the day',
    filter: () => ({ attributes: [{ key: 'renewsOn', lte: '2025-03-01' }] }),
    expected: ['carol', 'xenia'],
  },
  {
    title: 'attribute exists true finds contacts that have the key, even set to null',
    filter: () => ({ attributes: [{ key: 'plan', exists: true }] }),
    expected: ['bob', 'carol', 'vendor', 'xenia'],
  },
  {
    title: 'attribute exists false finds contacts without the key',
    filter: () => ({ attributes: [{ key: 'plan', exists: false }] }),
    expected: allLiveExcept('bob', 'carol', 'vendor', 'xenia'),
  },
  {
    title: 'several attribute conditions must all hold',
    filter: () => ({
      attributes: [
        { key: 'tags', contains: 'blue' },
        { key: 'seats', lt: 10 },
      ],
    }),
    expected: ['xenia'],
  },

  // Combinations.
  {
    title: 'or finds contacts matching any branch',
    filter: () => ({ or: [{ name: { startsWith: 'bob' } }, { phone: { startsWith: '+44' } }] }),
    expected: ['bob', 'carol'],
  },
  {
    title: 'and finds contacts matching every branch',
    filter: () => ({
      and: [{ email: { contains: 'acme' } }, { not: { labels: { any: [labels.vip] } } }],
    }),
    expected: ['nameless'],
  },
  {
    title: 'not of a substring condition includes contacts without the field',
    filter: () => ({ not: { email: { contains: 'acme' } } }),
    expected: ['carol', 'decoy', 'emile', 'ghost', 'promo', 'vendor'],
  },
  {
    title: 'nested and, or and not combine',
    filter: () => ({
      or: [
        { and: [{ type: ['CONTACT'] }, { organizationId: { eq: orgs.globex } }] },
        { not: { blocked: false } },
      ],
    }),
    expected: ['carol', 'ghost'],
  },
  {
    title: 'field conditions and or at the same level must both hold',
    filter: () => ({ blocked: false, or: [{ type: ['GHOST'] }, { type: ['VENDOR'] }] }),
    expected: ['nameless', 'vendor'],
  },
  { title: 'an empty or matches nothing', filter: () => ({ or: [] }), expected: [] },
  { title: 'an empty and matches everything', filter: () => ({ and: [] }), expected: LIVE },
  { title: 'an empty filter matches everything', filter: () => ({}), expected: LIVE },
];

describe('Query.contacts filter', () => {
  it.each(CASES)('$title', async ({ filter, expected }) => {
    expect(await keysFor(filter())).toEqual(sorted(expected));
  });

  it.each(CASES)(
    'not ($title) returns exactly the other live contacts',
    async ({ filter, expected }) => {
      expect(await keysFor({ not: filter() })).toEqual(sorted(allLiveExcept(...expected)));
    },
  );

  it('double negation returns the original set', async () => {
    const filter = { not: { not: { email: { contains: '@acme' } } } };
    expect(await keysFor(filter)).toEqual(['bob', 'nameless', 'xenia']);
  });

  it('rejects an ID of the wrong type in organizationId', async () => {
    const response = await t.gql(FilteredContacts, {
      filter: { organizationId: { eq: labels.vip } },
    });
    expectBadInput(response, 'filter.organizationId.eq');
  });

  it('rejects a malformed label ID, naming where it is', async () => {
    const response = await t.gql(FilteredContacts, {
      filter: { or: [{ labels: { all: [labels.vip, 'not-an-id'] } }] },
    });
    expectBadInput(response, 'filter.or[0].labels.all[1]');
  });

  it('rejects an ID whose number is beyond the id range instead of failing', async () => {
    const huge = encodeGlobalId('Organization', '9999999999999999999');
    const response = await t.gql(FilteredContacts, { filter: { organizationId: { eq: huge } } });
    expectBadInput(response, 'filter.organizationId.eq');
  });

  it('rejects an attribute key with characters outside the allowed set', async () => {
    const response = await t.gql(FilteredContacts, {
      filter: { attributes: [{ key: 'plan' }, { key: 'bad key!', eq: 1 }] },
    });
    expectBadInput(response, 'filter.attributes[1].key');
  });

  it('rejects an attribute range bound that is neither a number nor a string', async () => {
    const response = await t.gql(FilteredContacts, {
      filter: { attributes: [{ key: 'seats', gt: { at: 1 } }] },
    });
    expectBadInput(response, 'filter.attributes[0]');
  });

  it('rejects a NUL character in a filter value, naming where it is', async () => {
    const response = await t.gql(FilteredContacts, {
      filter: { or: [{ blocked: true }, { name: { contains: 'a\u0000b' } }] },
    });
    expectBadInput(response, 'filter.or[1].name.contains');
  });

  it('rejects a NUL character inside an attribute value', async () => {
    const response = await t.gql(FilteredContacts, {
      filter: { attributes: [{ key: 'tags', in: ['red', { nested: ['x\u0000'] }] }] },
    });
    expectBadInput(response, 'filter.attributes[0].in[1].nested[0]');
  });

  it('rejects filters nested too deeply', async () => {
    let filter: ContactFilter = { blocked: false };
    for (let i = 0; i < 12; i++) filter = { not: { not: filter } };
    expectBadInput(await t.gql(FilteredContacts, { filter }), 'filter');
  });

  it('never returns contacts of another workspace', async () => {
    expect(await keysFor({ name: { eq: 'xenia alvarez' } })).toEqual(['xenia']);
    expect(await keysFor(null, 'xenia')).toEqual(['xenia']);
  });
});

describe('soft-deleted contacts', () => {
  it('are hidden from lists and counts by default', async () => {
    expect(await keysFor(null)).toEqual(sorted(LIVE));
    expect(await keysFor({ includeDeleted: false })).toEqual(sorted(LIVE));
  });

  it('are listed with includeDeleted, carrying deletedAt', async () => {
    const data = dataOf(await t.gql(FilteredContacts, { filter: { includeDeleted: true } }));
    expect(data.contacts.totalCount).toBe(LIVE.length + 1);
    const deleted = data.contacts.edges.filter((e) => e.node.deletedAt !== null);
    expect(deleted.map((e) => keyById.get(e.node.id))).toEqual(['xander']);
    expect(deleted[0]?.node.deletedAt).toBe('2024-08-01T00:00:00.000Z');
  });

  it('are filtered like live ones when included', async () => {
    expect(await keysFor({ includeDeleted: true, email: { contains: '@acme' } })).toEqual([
      'bob',
      'nameless',
      'xander',
      'xenia',
    ]);
    expect(await keysFor({ includeDeleted: true, labels: { all: [labels.vip] } })).toEqual([
      'bob',
      'xander',
      'xenia',
    ]);
  });

  it('stay hidden when includeDeleted appears below the top level', async () => {
    expect(await keysFor({ or: [{ includeDeleted: true }] })).toEqual(sorted(LIVE));
    expect(await keysFor({ and: [{ includeDeleted: true, name: { startsWith: 'x' } }] })).toEqual([
      'xenia',
    ]);
    expect(await keysFor({ not: { includeDeleted: true, name: { startsWith: 'x' } } })).toEqual(
      sorted(allLiveExcept('xenia')),
    );
  });

  it('are found by search only with includeDeleted', async () => {
    expect(await keysFor(null, 'xander')).toEqual([]);
    expect(await keysFor({ includeDeleted: true }, 'xander')).toEqual(['xander']);
  });
});

describe('Query.contacts search', () => {
  it.each([
    { search: 'xen', expected: ['xenia'] },
    { search: 'XEN', expected: ['xenia'] },
    { search: 'lvar', expected: ['xenia'] },
    { search: '@acme', expected: ['bob', 'nameless', 'xenia'] },
    { search: 'GLOBEX.COM', expected: ['carol'] },
    { search: '555', expected: ['ghost', 'xenia'] },
    { search: '+44', expected: ['carol'] },
    { search: 'crm-00', expected: ['bob', 'ghost', 'xenia'] },
    { search: 'v-1', expected: ['vendor'] },
    { search: 'émile', expected: ['emile'] },
    { search: 'ÉMILE', expected: ['emile'] },
  ] as { search: string; expected: Key[] }[])(
    'finds "$search" in any searchable field, ignoring case',
    async ({ search, expected }) => {
      expect(await keysFor(null, search)).toEqual(sorted(expected));
    },
  );

  it.each([
    { search: '100%', expected: ['promo'] },
    { search: '%', expected: ['promo'] },
    { search: '_', expected: ['promo'] },
    { search: 'o 1__', expected: [] },
    { search: 'promo%off', expected: [] },
  ] as { search: string; expected: Key[] }[])(
    'treats LIKE wildcards in "$search" as literal text',
    async ({ search, expected }) => {
      expect(await keysFor(null, search)).toEqual(sorted(expected));
    },
  );

  it('does not match text spanning two fields', async () => {
    // The end of Xenia's name followed by the start of her email.
    expect(await keysFor(null, 'alvarezxenia')).toEqual([]);
    expect(await keysFor(null, 'alvarez xenia')).toEqual([]);
  });

  it('finds nothing for text no contact has', async () => {
    expect(await keysFor(null, 'zzz-nobody')).toEqual([]);
  });

  it('combines with a filter', async () => {
    expect(await keysFor({ labels: { any: [labels.vip] } }, '@acme')).toEqual(['bob', 'xenia']);
    expect(await keysFor({ not: { labels: { any: [labels.vip] } } }, '@acme')).toEqual([
      'nameless',
    ]);
  });

  it('rejects a NUL character as bad input, never a server error', async () => {
    expectBadInput(await t.gql(FilteredContacts, { search: 'xen\u0000' }), 'search');
  });

  it('is ignored when empty', async () => {
    expect(await keysFor(null, '')).toEqual(sorted(LIVE));
  });
});

const ContactLookup = graphql(`
  query FilterTestContactLookup(
    $id: ID
    $externalId: String
    $email: String
    $phone: String
    $includeDeleted: Boolean
  ) {
    contact(
      id: $id
      externalId: $externalId
      email: $email
      phone: $phone
      includeDeleted: $includeDeleted
    ) {
      id
      name
      email
      phone
      externalId
      deletedAt
    }
  }
`);

describe('Query.contact', () => {
  const lookup = async (args: FilterTestContactLookupQueryVariables) => {
    const data = dataOf(await t.gql(ContactLookup, args));
    return data.contact ? keyById.get(data.contact.id) : null;
  };

  it('finds a contact by id', async () => {
    const data = dataOf(await t.gql(ContactLookup, { id: ids.xenia }));
    expect(data.contact).toEqual({
      id: ids.xenia,
      name: 'Xenia Alvarez',
      email: 'xenia@acme.com',
      phone: '+14155550100',
      externalId: 'CRM-001',
      deletedAt: null,
    });
  });

  it('finds a contact by external ID, exactly', async () => {
    expect(await lookup({ externalId: 'CRM-001' })).toBe('xenia');
    expect(await lookup({ externalId: 'crm-001' })).toBeNull();
  });

  it('finds a contact by email in any case', async () => {
    expect(await lookup({ email: 'xenia@acme.com' })).toBe('xenia');
    expect(await lookup({ email: 'XENIA@Acme.COM' })).toBe('xenia');
  });

  it.each(['+14155550100', '+1 (415) 555-0100', '+1 415-555-0100', '+1.415.555.0100'])(
    'finds a contact by phone written as %s',
    async (phone) => {
      expect(await lookup({ phone })).toBe('xenia');
    },
  );

  it('finds a contact by an international phone in local grouping', async () => {
    expect(await lookup({ phone: '+44 20 7183 8750' })).toBe('carol');
  });

  it('needs every given key to match', async () => {
    expect(await lookup({ email: 'xenia@acme.com', phone: '+1 (415) 555-0100' })).toBe('xenia');
    expect(await lookup({ email: 'xenia@acme.com', phone: '+14155550199' })).toBeNull();
    expect(await lookup({ id: ids.bob, email: 'xenia@acme.com' })).toBeNull();
  });

  it('returns null when nothing matches', async () => {
    expect(await lookup({ email: 'nobody@acme.com' })).toBeNull();
    expect(await lookup({ phone: '+14155550000' })).toBeNull();
    expect(await lookup({ phone: 'not a phone' })).toBeNull();
  });

  it('finds a soft-deleted contact only with includeDeleted', async () => {
    expect(await lookup({ email: 'xander@acme.com' })).toBeNull();
    expect(await lookup({ id: ids.xander })).toBeNull();
    expect(await lookup({ email: 'xander@acme.com', includeDeleted: true })).toBe('xander');
  });

  it('rejects a key holding a NUL character as bad input, never a server error', async () => {
    expectBadInput(await t.gql(ContactLookup, { email: 'xenia\u0000@acme.com' }), 'email');
    expectBadInput(await t.gql(ContactLookup, { externalId: 'CRM\u0000' }), 'externalId');
  });

  it('rejects a lookup without any key', async () => {
    expectBadInput(await t.gql(ContactLookup, {}), 'id');
  });

  it('rejects an id of another type', async () => {
    expectBadInput(await t.gql(ContactLookup, { id: orgs.acme }), 'id');
  });
});
