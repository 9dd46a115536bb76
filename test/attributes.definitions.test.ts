import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contactOf,
  createContact,
  createDefinition,
  DEFINITION_FIELDS,
  type Definition,
  errorPaths,
  getContact,
  mutate,
  run,
  unique,
  updateContact,
  upsertContacts,
} from './attributes-helpers.js';
import { startTestServer, type TestServer } from './harness.js';

/**
 * Attribute definitions through the API: creating (validation of every field, key conflicts,
 * values already stored under the key converted or the creation refused), changing the type,
 * options or pattern (stored values re-validated and converted in one transaction, or nothing
 * changes), archiving and restoring (values move, stay, come back, with contact events), and
 * what other workspaces and read-only keys may not do.
 */

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const update = (input: Record<string, unknown>, key?: string) =>
  mutate(
    t,
    'updateAttributeDefinition',
    'UpdateAttributeDefinitionInput',
    input,
    `... on UpdateAttributeDefinitionSuccess { convertedContacts attributeDefinition { ${DEFINITION_FIELDS} } }`,
    key,
  );

const create = (input: Record<string, unknown>, key?: string) =>
  mutate(
    t,
    'createAttributeDefinition',
    'CreateAttributeDefinitionInput',
    input,
    `... on CreateAttributeDefinitionSuccess { convertedContacts attributeDefinition { ${DEFINITION_FIELDS} } }`,
    key,
  );

const archive = (id: string, key?: string) =>
  mutate(
    t,
    'archiveAttributeDefinition',
    'ArchiveAttributeDefinitionInput',
    { id },
    `... on ArchiveAttributeDefinitionSuccess { affectedContacts attributeDefinition { ${DEFINITION_FIELDS} } }`,
    key,
  );

const restore = (id: string, key?: string) =>
  mutate(
    t,
    'restoreAttributeDefinition',
    'RestoreAttributeDefinitionInput',
    { id },
    `... on RestoreAttributeDefinitionSuccess { affectedContacts attributeDefinition { ${DEFINITION_FIELDS} } }`,
    key,
  );

async function definitions(includeArchived = false, key?: string) {
  const data = await run<{ attributeDefinitions: Definition[] }>(
    t,
    `query($all: Boolean) { attributeDefinitions(includeArchived: $all) { ${DEFINITION_FIELDS} } }`,
    { all: includeArchived },
    key,
  );
  return data.attributeDefinitions;
}

async function definition(key: string, apiKey?: string) {
  const data = await run<{ attributeDefinition: Definition | null }>(
    t,
    `query($key: String!) { attributeDefinition(key: $key) { ${DEFINITION_FIELDS} } }`,
    { key },
    apiKey,
  );
  return data.attributeDefinition;
}

async function contactWith(attributes: Record<string, unknown>) {
  return contactOf(await createContact(t, { customAttributes: attributes }));
}

describe('createAttributeDefinition', () => {
  it('creates a definition in the default profile, listed by position then key', async () => {
    const b = await createDefinition(t, { key: 'zz_b', name: 'B', type: 'TEXT', position: 5 });
    const a = await createDefinition(t, {
      key: 'zz_a',
      name: ' A ',
      type: 'NUMBER',
      position: 5,
      description: '  Lifetime value ',
      required: false,
    });
    const first = await createDefinition(t, {
      key: 'zz_c',
      name: 'C',
      type: 'BOOLEAN',
      position: -1,
    });
    expect(a).toMatchObject({
      key: 'zz_a',
      name: 'A',
      description: 'Lifetime value',
      type: 'NUMBER',
      options: null,
      pattern: null,
      required: false,
      archived: false,
      archivedAt: null,
      profiles: [{ slug: 'default' }],
    });
    const keys = (await definitions()).map((d) => d.key).filter((k) => k.startsWith('zz_'));
    expect(keys).toEqual([first.key, a.key, b.key]);
    expect(await definition('zz_a')).toMatchObject({ id: a.id, type: 'NUMBER' });
    expect(await definition('nope')).toBeNull();
  });

  it('validates every field, naming each path', async () => {
    expect(
      errorPaths(await create({ key: '1bad', name: ' ', type: 'TEXT', profiles: ['nope'] })),
    ).toEqual(['key', 'name', 'profiles.0']);
    expect(errorPaths(await create({ key: 'Upper', name: 'x', type: 'TEXT' }))).toEqual(['key']);
    expect(errorPaths(await create({ key: 'a'.repeat(64), name: 'x', type: 'TEXT' }))).toEqual([
      'key',
    ]);
    expect(errorPaths(await create({ key: 'plan_x', name: 'x', type: 'LIST' }))).toEqual([
      'options',
    ]);
    expect(
      errorPaths(await create({ key: 'plan_x', name: 'x', type: 'MULTI_SELECT', options: [] })),
    ).toEqual(['options']);
    expect(
      errorPaths(
        await create({ key: 'plan_x', name: 'x', type: 'LIST', options: ['Gold', 'gold', ' '] }),
      ),
    ).toEqual(['options.1', 'options.2']);
    expect(
      errorPaths(await create({ key: 'plan_x', name: 'x', type: 'TEXT', options: ['a'] })),
    ).toEqual(['options']);
    expect(
      errorPaths(await create({ key: 'plan_x', name: 'x', type: 'NUMBER', pattern: '\\d+' })),
    ).toEqual(['pattern']);
    const bad = await create({ key: 'plan_x', name: 'x', type: 'TEXT', pattern: '(' });
    expect(errorPaths(bad)).toEqual(['pattern']);
    expect(bad.fieldErrors?.[0]?.message).toMatch(/not a valid regular expression/);
    expect(await definition('plan_x')).toBeNull();
  });

  it('refuses a key that is taken with a ConflictError', async () => {
    await createDefinition(t, { key: 'taken_key', name: 'x', type: 'TEXT' });
    const again = await create({ key: 'taken_key', name: 'y', type: 'NUMBER' });
    expect(again).toMatchObject({ __typename: 'ConflictError', field: 'key' });
    expect(await definition('taken_key')).toMatchObject({ type: 'TEXT', name: 'x' });
  });

  it('normalizes values already stored under the key', async () => {
    const c1 = await contactWith({ legacy_score: '42', other: 'x' });
    const c2 = await contactWith({ legacy_score: 7.5 });
    const c3 = await contactWith({ legacy_score: '' });
    const created = await create({ key: 'legacy_score', name: 'Score', type: 'NUMBER' });
    expect(created.__typename).toBe('CreateAttributeDefinitionSuccess');
    // "42" → 42, "" → no value; 7.5 already in normal form.
    expect(created.convertedContacts).toBe(2);
    expect((await getContact(t, c1.id))?.customAttributes).toEqual({
      legacy_score: 42,
      other: 'x',
    });
    expect((await getContact(t, c2.id))?.customAttributes).toEqual({ legacy_score: 7.5 });
    expect((await getContact(t, c3.id))?.customAttributes).toEqual({});
  });

  it('refuses a definition its stored values do not fit, creating nothing', async () => {
    const good = await contactWith({ legacy_day: '2026-01-02' });
    const bad = await contactWith({ legacy_day: 'soon' });
    await contactWith({ legacy_day: 'later' });
    const result = await create({ key: 'legacy_day', name: 'Day', type: 'DATE' });
    expect(errorPaths(result)).toEqual(['type']);
    expect(result.fieldErrors?.[0]?.message).toMatch(
      new RegExp(`^2 contacts have values that would not convert \\(e\\.g\\. contact ${bad.id}: `),
    );
    expect(await definition('legacy_day')).toBeNull();
    expect((await getContact(t, good.id))?.customAttributes).toEqual({ legacy_day: '2026-01-02' });
    expect((await getContact(t, bad.id))?.customAttributes).toEqual({ legacy_day: 'soon' });
  });

  it('blames the pattern when only the pattern is missed', async () => {
    await contactWith({ legacy_code: 'abc' });
    const result = await create({
      key: 'legacy_code',
      name: 'Code',
      type: 'TEXT',
      pattern: '\\d+',
    });
    expect(errorPaths(result)).toEqual(['pattern']);
    expect(result.fieldErrors?.[0]?.message).toMatch(/^1 contact has a value that would not/);
  });
});

describe('updateAttributeDefinition', () => {
  it('changes name, description, position, required and profiles; the key stays', async () => {
    const d = await createDefinition(t, { key: unique('upd_'), name: 'Old', type: 'TEXT' });
    const result = await update({
      id: d.id,
      name: 'New',
      description: 'Why',
      position: 3,
      required: true,
      profiles: [],
    });
    expect(result.__typename).toBe('UpdateAttributeDefinitionSuccess');
    expect(result.attributeDefinition).toMatchObject({
      key: d.key,
      name: 'New',
      description: 'Why',
      position: 3,
      required: true,
      profiles: [],
    });
    const cleared = await update({ id: d.id, description: null, profiles: ['default'] });
    expect(cleared.attributeDefinition).toMatchObject({
      description: null,
      profiles: [{ slug: 'default' }],
    });
    expect(errorPaths(await update({ id: d.id, name: null, required: null }))).toEqual([
      'name',
      'required',
    ]);
    // Required in the default profile would bind every contact of the other tests.
    expect(await update({ id: d.id, required: false })).toMatchObject({
      attributeDefinition: { required: false },
    });
  });

  it('converts TEXT values to NUMBER, with a contact event per contact', async () => {
    const d = await createDefinition(t, { key: 'conv_num', name: 'N', type: 'TEXT' });
    const c = contactOf(
      await createContact(t, { customAttributes: { conv_num: ' 42 ' }, name: 'Conv' }),
    );
    expect(c.customAttributes).toEqual({ conv_num: '42' });
    const result = await update({ id: d.id, type: 'NUMBER' });
    expect(result).toMatchObject({
      __typename: 'UpdateAttributeDefinitionSuccess',
      convertedContacts: 1,
      attributeDefinition: { type: 'NUMBER' },
    });
    expect((await getContact(t, c.id))?.customAttributes).toEqual({ conv_num: 42 });
    const events = await contactEvents(c.id);
    expect(events.at(-1)).toMatchObject({
      type: 'CONTACT_UPDATED',
      changes: [{ field: 'customAttributes.conv_num', before: '42', after: 42 }],
    });
  });

  it('refuses a type change while a value would not convert, changing nothing', async () => {
    const d = await createDefinition(t, { key: 'conv_bad', name: 'N', type: 'TEXT' });
    const fine = await contactWith({ conv_bad: '42' });
    const bad = await contactWith({ conv_bad: 'abc' });
    const result = await update({ id: d.id, type: 'NUMBER', name: 'Renamed' });
    expect(errorPaths(result)).toEqual(['type']);
    expect(result.fieldErrors?.[0]?.message).toBe(
      `1 contact has a value that would not convert (e.g. contact ${bad.id}: must be a number)`,
    );
    expect(await definition('conv_bad')).toMatchObject({ type: 'TEXT', name: 'N' });
    expect((await getContact(t, fine.id))?.customAttributes).toEqual({ conv_bad: '42' });
  });

  it('re-validates stored values when options or the pattern change', async () => {
    const d = await createDefinition(t, {
      key: 'tier',
      name: 'Tier',
      type: 'LIST',
      options: ['Gold', 'Silver'],
    });
    const c = await contactWith({ tier: 'silver' });
    expect(c.customAttributes).toEqual({ tier: 'Silver' });
    expect(errorPaths(await update({ id: d.id, options: ['Gold'] }))).toEqual(['options']);
    // A new spelling of the same option: values follow it.
    const renamed = await update({ id: d.id, options: ['Gold', 'SILVER', 'Bronze'] });
    expect(renamed).toMatchObject({ convertedContacts: 1 });
    expect((await getContact(t, c.id))?.customAttributes).toEqual({ tier: 'SILVER' });
    // Options are refused once the type is not a list; changing to TEXT drops them.
    expect(errorPaths(await update({ id: d.id, type: 'TEXT', options: ['x'] }))).toEqual([
      'options',
    ]);
    const text = await update({ id: d.id, type: 'TEXT' });
    expect(text.attributeDefinition).toMatchObject({ type: 'TEXT', options: null });
    expect(errorPaths(await update({ id: d.id, pattern: '[a-z]+' }))).toEqual(['pattern']);
    expect(await update({ id: d.id, pattern: '[A-Z]+' })).toMatchObject({
      attributeDefinition: { pattern: '[A-Z]+' },
    });
    expect(errorPaths(await update({ id: d.id, type: 'LIST' }))).toEqual(['options']);
  });

  it('reports unknown and malformed ids', async () => {
    expect(await update({ id: 'QXR0cmlidXRlRGVmaW5pdGlvbjo5OTk5OTk', name: 'x' })).toMatchObject({
      __typename: 'NotFoundError',
      field: 'id',
    });
    expect(errorPaths(await update({ id: 'nonsense', name: 'x' }))).toEqual(['id']);
  });
});

async function contactEvents(contactId: string) {
  const data = await run<{
    contactEvents: {
      edges: {
        node: { type: string; changes: { field: string; before: unknown; after: unknown }[] };
      }[];
    };
  }>(
    t,
    `query($id: ID!) { contactEvents(contactId: $id, first: 100) {
       edges { node { type changes { field before after } } } } }`,
    { id: contactId },
  );
  return data.contactEvents.edges.map((e) => e.node);
}

describe('archive and restore', () => {
  it('moves values out of customAttributes and back, keeping them, with events', async () => {
    const d = await createDefinition(t, { key: 'arch_plan', name: 'Plan', type: 'TEXT' });
    const c = await contactWith({ arch_plan: 'pro', keep: 1 });
    const archived = await archive(d.id);
    expect(archived).toMatchObject({
      __typename: 'ArchiveAttributeDefinitionSuccess',
      affectedContacts: 1,
      attributeDefinition: { archived: true },
    });
    expect((archived.attributeDefinition as Definition).archivedAt).not.toBeNull();
    expect((await archive(d.id)).affectedContacts).toBe(0);

    const hidden = await getContact(t, c.id);
    expect(hidden?.customAttributes).toEqual({ keep: 1 });
    expect(hidden?.attributes.map((a) => a.key)).not.toContain('arch_plan');
    const all = await getContact(t, c.id, undefined, true);
    expect(all?.attributes.find((a) => a.key === 'arch_plan')).toMatchObject({
      value: 'pro',
      definition: { key: 'arch_plan' },
    });
    expect((await definitions()).map((x) => x.key)).not.toContain('arch_plan');
    expect((await definitions(true)).map((x) => x.key)).toContain('arch_plan');
    expect(await definition('arch_plan')).toMatchObject({ archived: true });

    const events = await contactEvents(c.id);
    expect(events.at(-1)).toMatchObject({
      type: 'CONTACT_UPDATED',
      changes: [{ field: 'customAttributes.arch_plan', before: 'pro', after: null }],
    });

    // Writes to the archived key are refused.
    expect(
      errorPaths(await updateContact(t, { id: c.id, customAttributes: { arch_plan: 'x' } })),
    ).toEqual(['customAttributes.arch_plan']);
    const batch = await upsertContacts(t, [
      { externalId: unique('arch-'), customAttributes: { arch_plan: 'x' } },
      { externalId: unique('arch-'), customAttributes: { keep: 2 } },
    ]);
    expect(batch[0]?.error?.fieldErrors?.map((f) => f.path.join('.'))).toEqual([
      'contacts.0.customAttributes.arch_plan',
    ]);
    expect(batch[1]?.created).toBe(true);

    const restored = await restore(d.id);
    expect(restored).toMatchObject({
      affectedContacts: 1,
      attributeDefinition: { archived: false },
    });
    expect((await getContact(t, c.id))?.customAttributes).toEqual({ arch_plan: 'pro', keep: 1 });
    expect((await restore(d.id)).affectedContacts).toBe(0);
  });

  it('converts archived values when the type changes while archived', async () => {
    const d = await createDefinition(t, { key: 'arch_num', name: 'N', type: 'TEXT' });
    const c = await contactWith({ arch_num: '12' });
    await archive(d.id);
    expect(await update({ id: d.id, type: 'NUMBER' })).toMatchObject({ convertedContacts: 1 });
    await restore(d.id);
    expect((await getContact(t, c.id))?.customAttributes).toEqual({ arch_num: 12 });
  });
});

describe('isolation and scopes', () => {
  it('keeps definitions to their workspace', async () => {
    const d = await createDefinition(t, { key: 'iso_secret', name: 'Secret', type: 'TEXT' });
    const keyB = t.b.keys.admin;
    expect(await definition('iso_secret', keyB)).toBeNull();
    expect((await definitions(true, keyB)).map((x) => x.key)).not.toContain('iso_secret');
    const node = await run<{ node: unknown }>(
      t,
      'query($id: ID!) { node(id: $id) { id } }',
      { id: d.id },
      keyB,
    );
    expect(node.node).toBeNull();
    expect(await update({ id: d.id, name: 'Stolen' }, keyB)).toMatchObject({
      __typename: 'NotFoundError',
    });
    expect(await archive(d.id, keyB)).toMatchObject({ __typename: 'NotFoundError' });
    expect(await restore(d.id, keyB)).toMatchObject({ __typename: 'NotFoundError' });
    // B can define the same key for itself.
    const own = await createDefinition(
      t,
      { key: 'iso_secret', name: 'Mine', type: 'NUMBER' },
      keyB,
    );
    expect(own.id).not.toBe(d.id);
    expect(await definition('iso_secret')).toMatchObject({ name: 'Secret', type: 'TEXT' });
    const mine = await run<{ node: { key: string } | null }>(
      t,
      'query($id: ID!) { node(id: $id) { ... on AttributeDefinition { key } } }',
      { id: d.id },
    );
    expect(mine.node).toEqual({ key: 'iso_secret' });
  });

  it('needs the write scope to change definitions', async () => {
    const response = await t.gql<unknown, Record<string, unknown>>(
      'mutation { createAttributeDefinition(input: { key: "ro", name: "x", type: TEXT }) { __typename } }',
      {},
      { key: t.a.keys.read },
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await definition('ro')).toBeNull();
  });
});
