import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ContactRow,
  contactCount,
  contactOf,
  createContact,
  createDefinition,
  createProfile,
  errorPaths,
  getContact,
  mutate,
  run,
  unique,
  updateContact,
  upsertContact,
  upsertContacts,
} from './attributes-helpers.js';
import { startTestServer, type TestServer } from './harness.js';

/**
 * Profiles through the API: the default profile, creating and changing profiles and their
 * attributes, contacts adopting profiles by slug, required attributes enforced on every write
 * path for the profiles a contact has (default + adopted), deleting a profile, and isolation.
 */

let t: TestServer;

type ProfileRow = {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  isDefault: boolean;
  attributes: { key: string }[];
};

const PROFILE_FIELDS = 'id slug name description isDefault attributes { key }';

beforeAll(async () => {
  t = await startTestServer();
  await createDefinition(t, {
    key: 'vat_id',
    name: 'VAT ID',
    type: 'TEXT',
    required: true,
    profiles: [],
  });
  await createDefinition(t, { key: 'rating', name: 'Rating', type: 'NUMBER', profiles: [] });
  await createProfile(t, { slug: 'vendor', name: 'Vendor', attributeKeys: ['vat_id', 'rating'] });
});
afterAll(() => t?.close());

async function profiles(key?: string) {
  return (
    await run<{ profiles: ProfileRow[] }>(t, `query { profiles { ${PROFILE_FIELDS} } }`, {}, key)
  ).profiles;
}

async function profile(slug: string, key?: string) {
  return (
    await run<{ profile: ProfileRow | null }>(
      t,
      `query($slug: String!) { profile(slug: $slug) { ${PROFILE_FIELDS} } }`,
      { slug },
      key,
    )
  ).profile;
}

const updateProfile = (input: Record<string, unknown>, key?: string) =>
  mutate(
    t,
    'updateProfile',
    'UpdateProfileInput',
    input,
    `... on UpdateProfileSuccess { profile { ${PROFILE_FIELDS} } }`,
    key,
  );

const deleteProfile = (id: string, key?: string) =>
  mutate(
    t,
    'deleteProfile',
    'DeleteProfileInput',
    { id },
    '... on DeleteProfileSuccess { deletedId affectedContacts }',
    key,
  );

const create = (input: Record<string, unknown>, key?: string) =>
  mutate(
    t,
    'createProfile',
    'CreateProfileInput',
    input,
    `... on CreateProfileSuccess { profile { ${PROFILE_FIELDS} } }`,
    key,
  );

describe('profiles', () => {
  it('has a default profile first, then the others by slug', async () => {
    const all = await profiles();
    expect(all.map((p) => [p.slug, p.isDefault])).toEqual([
      ['default', true],
      ['vendor', false],
    ]);
    expect(await profile('vendor')).toMatchObject({
      name: 'Vendor',
      attributes: [{ key: 'vat_id' }, { key: 'rating' }].sort((a, b) => (a.key < b.key ? -1 : 1)),
    });
    expect(await profile('nope')).toBeNull();
    const def = await run<{ attributeDefinition: { profiles: { slug: string }[] } }>(
      t,
      'query { attributeDefinition(key: "vat_id") { profiles { slug } } }',
    );
    expect(def.attributeDefinition.profiles).toEqual([{ slug: 'vendor' }]);
  });

  it('validates input: slug, name, attribute keys; a taken slug is a conflict', async () => {
    expect(
      errorPaths(await create({ slug: 'Bad Slug', name: '', attributeKeys: ['vat_id', 'nope'] })),
    ).toEqual(['slug', 'name', 'attributeKeys.1']);
    expect(await create({ slug: 'vendor', name: 'Again' })).toMatchObject({
      __typename: 'ConflictError',
      field: 'slug',
    });
    expect((await profiles()).map((p) => p.slug)).toEqual(['default', 'vendor']);
  });

  it('changes a profile; the default profile keeps its slug and cannot be deleted', async () => {
    const p = await createProfile(t, { slug: unique('tmp-'), name: 'Temp' });
    const changed = await updateProfile({
      id: p.id,
      slug: `${p.slug}-x`,
      description: 'd',
      attributeKeys: ['rating'],
    });
    expect(changed.profile).toMatchObject({
      slug: `${p.slug}-x`,
      description: 'd',
      attributes: [{ key: 'rating' }],
    });
    const def = (await profiles()).find((x) => x.isDefault) as ProfileRow;
    expect(errorPaths(await updateProfile({ id: def.id, slug: 'main' }))).toEqual(['slug']);
    expect(await updateProfile({ id: def.id, name: 'Everyone' })).toMatchObject({
      profile: { slug: 'default', name: 'Everyone', isDefault: true },
    });
    expect(errorPaths(await deleteProfile(def.id))).toEqual(['id']);
    expect(await updateProfile({ id: p.id, slug: 'vendor' })).toMatchObject({
      __typename: 'ConflictError',
    });
    expect(await deleteProfile(p.id)).toMatchObject({ deletedId: p.id, affectedContacts: 0 });
    expect(await deleteProfile(p.id)).toMatchObject({ __typename: 'NotFoundError' });
  });
});

describe('adopting profiles and required attributes', () => {
  it('creates a contact without the vendor profile freely', async () => {
    const c = contactOf(await createContact(t, { name: 'Plain' }));
    expect(c.profiles).toEqual([{ slug: 'default' }]);
    expect(c.attributes).toEqual([]);
  });

  it('requires the adopted profile’s required attributes on create', async () => {
    const before = await contactCount(t);
    const refused = await createContact(t, { profiles: ['vendor'] });
    expect(errorPaths(refused)).toEqual(['customAttributes.vat_id']);
    expect(refused.fieldErrors?.[0]?.message).toBe('is required (profile vendor)');
    expect(await contactCount(t)).toBe(before);
    expect(errorPaths(await createContact(t, { profiles: ['vendor', 'nope'] }))).toEqual([
      'profiles.1',
    ]);
    const ok = contactOf(
      await createContact(t, {
        profiles: ['vendor', 'default', 'vendor'],
        customAttributes: { vat_id: 'FR123' },
      }),
    );
    expect(ok.profiles).toEqual([{ slug: 'default' }, { slug: 'vendor' }]);
    expect(ok.attributes.map((a) => [a.key, a.value])).toEqual([
      ['rating', null],
      ['vat_id', 'FR123'],
    ]);
  });

  it('checks updates against the stored values, refusing without writing', async () => {
    const c = contactOf(await createContact(t, { name: 'Later vendor' }));
    const refused = await updateContact(t, { id: c.id, name: 'Renamed', profiles: ['vendor'] });
    expect(errorPaths(refused)).toEqual(['customAttributes.vat_id']);
    let stored = (await getContact(t, c.id)) as ContactRow;
    expect(stored.profiles).toEqual([{ slug: 'default' }]);
    // Values stored earlier count.
    contactOf(await updateContact(t, { id: c.id, customAttributes: { vat_id: 'DE9' } }));
    const adopted = contactOf(await updateContact(t, { id: c.id, profiles: ['vendor'] }));
    expect(adopted.profiles.map((p) => p.slug)).toEqual(['default', 'vendor']);
    // Removing the required value is refused; dropping the profile is fine.
    expect(
      errorPaths(await updateContact(t, { id: c.id, customAttributes: { vat_id: null } })),
    ).toEqual(['customAttributes.vat_id']);
    expect(errorPaths(await updateContact(t, { id: c.id, customAttributes: null }))).toEqual([
      'customAttributes.vat_id',
    ]);
    stored = (await getContact(t, c.id)) as ContactRow;
    expect(stored.customAttributes).toEqual({ vat_id: 'DE9' });
    const dropped = contactOf(
      await updateContact(t, { id: c.id, profiles: [], customAttributes: { vat_id: null } }),
    );
    expect(dropped.profiles).toEqual([{ slug: 'default' }]);
    expect(dropped.customAttributes).toEqual({});
  });

  it('enforces required attributes on upsert and fails only the bad items of a batch', async () => {
    const externalId = unique('up-');
    expect(errorPaths(await upsertContact(t, { externalId, profiles: ['vendor'] }))).toEqual([
      'customAttributes.vat_id',
    ]);
    const before = await contactCount(t);
    const [a, b, c] = [unique('bt-'), unique('bt-'), unique('bt-')];
    const results = await upsertContacts(t, [
      { externalId: a, profiles: ['vendor'], customAttributes: { vat_id: 'A' } },
      { externalId: b, profiles: ['vendor'], customAttributes: { rating: 1 } },
      { externalId: c, profiles: ['vendor'], customAttributes: { vat_id: 'C' } },
    ]);
    expect(results.map((r) => r.created)).toEqual([true, null, true]);
    expect(results[1]?.error?.fieldErrors).toEqual([
      {
        path: ['contacts', '1', 'customAttributes', 'vat_id'],
        message: 'is required (profile vendor)',
      },
    ]);
    expect(await contactCount(t)).toBe(before + 2);
    // The batch's updates are checked against stored values too.
    const again = await upsertContacts(t, [
      { externalId: a, customAttributes: { vat_id: null } },
      { externalId: c, name: 'Still fine' },
    ]);
    expect(again[0]?.error?.__typename).toBe('ValidationError');
    expect(again[1]?.contact?.customAttributes).toEqual({ vat_id: 'C' });
  });

  it('requires the default profile’s required attributes of every contact', async () => {
    const d = await createDefinition(t, {
      key: unique('must_'),
      name: 'Must',
      type: 'BOOLEAN',
      required: true,
    });
    try {
      const legacy = contactOf(await createContact(t, { customAttributes: { [d.key]: false } }));
      expect(errorPaths(await createContact(t, { name: 'x' }))).toEqual([
        `customAttributes.${d.key}`,
      ]);
      // A write touching neither attributes nor profiles does not check.
      expect((await updateContact(t, { id: legacy.id, name: 'Renamed' })).__typename).toBe(
        'UpdateContactSuccess',
      );
    } finally {
      // Archived definitions are not required.
      await mutate(
        t,
        'archiveAttributeDefinition',
        'ArchiveAttributeDefinitionInput',
        { id: d.id },
        '... on ArchiveAttributeDefinitionSuccess { affectedContacts }',
      );
    }
    expect(contactOf(await createContact(t, { name: 'after archive' })).profiles).toEqual([
      { slug: 'default' },
    ]);
  });
});

describe('deleting a profile', () => {
  it('removes it from the contacts that adopted it, with an event each', async () => {
    const p = await createProfile(t, {
      slug: unique('gone-'),
      name: 'Gone',
      attributeKeys: ['rating'],
    });
    const c = contactOf(await createContact(t, { profiles: [p.slug] }));
    expect(c.profiles.map((x) => x.slug)).toEqual(['default', p.slug]);
    expect(await deleteProfile(p.id)).toMatchObject({
      __typename: 'DeleteProfileSuccess',
      affectedContacts: 1,
    });
    expect((await getContact(t, c.id))?.profiles).toEqual([{ slug: 'default' }]);
    const events = await run<{
      contactEvents: { edges: { node: { changes: { field: string }[] } }[] };
    }>(
      t,
      `query($id: ID!) { contactEvents(contactId: $id, first: 100) {
         edges { node { changes { field } } } } }`,
      { id: c.id },
    );
    expect(events.contactEvents.edges.at(-1)?.node.changes.map((x) => x.field)).toEqual([
      'profileIds',
    ]);
  });
});

describe('isolation', () => {
  it('keeps profiles to their workspace', async () => {
    const keyB = t.b.keys.admin;
    expect((await profiles(keyB)).map((p) => p.slug)).toEqual(['default']);
    expect(await profile('vendor', keyB)).toBeNull();
    const vendor = (await profile('vendor')) as ProfileRow;
    const node = await run<{ node: unknown }>(
      t,
      'query($id: ID!) { node(id: $id) { id } }',
      { id: vendor.id },
      keyB,
    );
    expect(node.node).toBeNull();
    expect(await updateProfile({ id: vendor.id, name: 'Stolen' }, keyB)).toMatchObject({
      __typename: 'NotFoundError',
    });
    expect(await deleteProfile(vendor.id, keyB)).toMatchObject({ __typename: 'NotFoundError' });
    // A's slugs and keys mean nothing in B.
    expect(errorPaths(await createContact(t, { profiles: ['vendor'] }, keyB))).toEqual([
      'profiles.0',
    ]);
    expect(
      errorPaths(await create({ slug: 'x', name: 'x', attributeKeys: ['vat_id'] }, keyB)),
    ).toEqual(['attributeKeys.0']);
    expect((await profile('vendor'))?.name).toBe('Vendor');
  });
});
