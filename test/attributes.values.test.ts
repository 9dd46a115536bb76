import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ContactRow,
  contactCount,
  contactOf,
  createContact,
  createDefinition,
  errorPaths,
  getContact,
  run,
  unique,
  updateContact,
  upsertContact,
  upsertContacts,
} from './attributes-helpers.js';
import { startTestServer, type TestServer } from './harness.js';

/**
 * Typed custom attribute values on every contact write path (create, update, upsert,
 * upsertContacts): each type's accepted inputs and the normalized form stored, refused inputs
 * with their field path, patterns, the unknown-key policy, `Contact.attributes` with display
 * values, and nothing half-written when a write is refused.
 */

let t: TestServer;

const DEFINITIONS = [
  { key: 't_text', name: 'Text', type: 'TEXT' },
  { key: 't_number', name: 'Number', type: 'NUMBER', position: 1 },
  { key: 't_bool', name: 'Boolean', type: 'BOOLEAN', position: 2 },
  { key: 't_date', name: 'Date', type: 'DATE', position: 3 },
  { key: 't_datetime', name: 'Date-time', type: 'DATETIME', position: 4 },
  { key: 't_list', name: 'List', type: 'LIST', options: ['Free', 'Pro'], position: 5 },
  {
    key: 't_multi',
    name: 'Multi',
    type: 'MULTI_SELECT',
    options: ['red', 'green', 'blue'],
    position: 6,
  },
  { key: 't_url', name: 'URL', type: 'URL', position: 7 },
  { key: 't_email', name: 'Email', type: 'EMAIL', position: 8 },
  { key: 't_phone', name: 'Phone', type: 'PHONE', position: 9 },
  { key: 't_json', name: 'JSON', type: 'JSON', position: 10 },
  { key: 't_code', name: 'Code', type: 'TEXT', pattern: '[A-Z]{3}-\\d+', position: 11 },
];

beforeAll(async () => {
  t = await startTestServer();
  for (const d of DEFINITIONS) await createDefinition(t, d);
  await run(t, 'mutation { updateWorkspace(input: { defaultPhoneRegion: "FR" }) { __typename } }');
});
afterAll(() => t?.close());

/** [key, input, stored value] — accepted inputs and what is stored. */
const ACCEPTED: [string, unknown, unknown][] = [
  ['t_text', '  hello  ', 'hello'],
  ['t_text', 42, '42'],
  ['t_number', 42, 42],
  ['t_number', ' -1.5e2 ', -150],
  ['t_number', '0042', 42],
  ['t_bool', true, true],
  ['t_bool', 'yes', true],
  ['t_bool', '0', false],
  ['t_date', '2026-11-25', '2026-11-25'],
  ['t_date', '2026-11-25T23:30:00-05:00', '2026-11-25'],
  ['t_datetime', '2026-11-25T14:30:00+01:00', '2026-11-25T13:30:00.000Z'],
  ['t_datetime', '2026-11-25', '2026-11-25T00:00:00.000Z'],
  ['t_list', 'pro', 'Pro'],
  ['t_multi', ['blue', 'RED', 'blue'], ['red', 'blue']],
  ['t_multi', 'green', ['green']],
  ['t_url', 'https://Example.com', 'https://example.com/'],
  ['t_email', ' Ann@Example.COM ', 'ann@example.com'],
  ['t_phone', '01 23 45 67 89', '+33123456789'],
  ['t_phone', '+1 415 555 0123', '+14155550123'],
  ['t_json', { a: [1, { b: null }] }, { a: [1, { b: null }] }],
  ['t_code', 'ABC-12', 'ABC-12'],
];

/** [key, input, message] — refused inputs. */
const REFUSED: [string, unknown, RegExp][] = [
  ['t_text', { a: 1 }, /must be text/],
  ['t_number', 'abc', /must be a number/],
  ['t_number', true, /must be a number/],
  ['t_bool', 'maybe', /true or false/],
  ['t_date', '2026-02-30', /must be a date/],
  ['t_date', 'tomorrow', /must be a date/],
  ['t_datetime', '2026-11-25T14:30:00', /time zone/],
  ['t_list', 'Enterprise', /must be one of: Free, Pro/],
  ['t_multi', ['red', 'pink'], /must be a list of: red, green, blue/],
  ['t_url', 'ftp://example.com', /http\(s\) URL/],
  ['t_url', 'not a url', /http\(s\) URL/],
  ['t_email', 'nope@', /not a valid email/],
  ['t_phone', '12', /phone number/],
  ['t_code', 'abc-12', /does not match the pattern/],
];

describe('createContact', () => {
  it.each(ACCEPTED)('stores %s given %j as %j', async (key, input, stored) => {
    const contact = contactOf(await createContact(t, { customAttributes: { [key]: input } }));
    expect(contact.customAttributes).toEqual({ [key]: stored });
  });

  it.each(REFUSED)('refuses %s given %j', async (key, input, message) => {
    const before = await contactCount(t);
    const result = await createContact(t, { customAttributes: { [key]: input } });
    expect(errorPaths(result)).toEqual([`customAttributes.${key}`]);
    expect(result.fieldErrors?.[0]?.message).toMatch(message);
    expect(await contactCount(t)).toBe(before);
  });

  it('drops empty values on create and reports every bad key at once', async () => {
    const contact = contactOf(
      await createContact(t, { customAttributes: { t_text: ' ', t_multi: [], t_number: '' } }),
    );
    expect(contact.customAttributes).toEqual({});
    const result = await createContact(t, {
      email: 'not-an-email',
      customAttributes: { t_number: 'x', t_bool: 'x', t_text: 'fine' },
    });
    expect(errorPaths(result).sort()).toEqual([
      'customAttributes.t_bool',
      'customAttributes.t_number',
      'email',
    ]);
  });
});

describe('updateContact and upsertContact', () => {
  it('validates and normalizes on update; null and empty remove the key', async () => {
    const c = contactOf(await createContact(t, { customAttributes: { t_number: 1, t_text: 'a' } }));
    const updated = contactOf(
      await updateContact(t, { id: c.id, customAttributes: { t_number: '2.50', t_text: '' } }),
    );
    expect(updated.customAttributes).toEqual({ t_number: 2.5 });
    const refused = await updateContact(t, {
      id: c.id,
      name: 'Changed',
      customAttributes: { t_date: '25/11/2026' },
    });
    expect(errorPaths(refused)).toEqual(['customAttributes.t_date']);
    const after = await getContact(t, c.id);
    expect(after?.customAttributes).toEqual({ t_number: 2.5 });
    const removed = contactOf(
      await updateContact(t, { id: c.id, customAttributes: { t_number: null } }),
    );
    expect(removed.customAttributes).toEqual({});
  });

  it('validates and normalizes on upsert, created or updated', async () => {
    const externalId = unique('ext-');
    const created = await upsertContact(t, {
      externalId,
      customAttributes: { t_list: 'free', t_bool: 'no' },
    });
    expect(created).toMatchObject({ created: true });
    expect((created.contact as ContactRow).customAttributes).toEqual({
      t_list: 'Free',
      t_bool: false,
    });
    const updated = await upsertContact(t, { externalId, customAttributes: { t_list: 'PRO' } });
    expect((updated.contact as ContactRow).customAttributes).toEqual({
      t_list: 'Pro',
      t_bool: false,
    });
    expect(
      errorPaths(await upsertContact(t, { externalId, customAttributes: { t_list: 'x' } })),
    ).toEqual(['customAttributes.t_list']);
  });
});

describe('upsertContacts', () => {
  it('normalizes every item and refuses bad items alone, with their paths', async () => {
    const before = await contactCount(t);
    const [a, b, c] = [unique('bx-'), unique('bx-'), unique('bx-')];
    const results = await upsertContacts(t, [
      { externalId: a, customAttributes: { t_number: '7', t_email: 'X@Y.CO' } },
      { externalId: b, customAttributes: { t_number: 'seven' } },
      { externalId: c, customAttributes: { t_multi: ['blue', 'red'] } },
    ]);
    expect(results[0]?.contact?.customAttributes).toEqual({ t_number: 7, t_email: 'x@y.co' });
    expect(results[1]?.contact).toBeNull();
    expect(results[1]?.error?.fieldErrors?.map((f) => f.path.join('.'))).toEqual([
      'contacts.1.customAttributes.t_number',
    ]);
    expect(results[2]?.contact?.customAttributes).toEqual({ t_multi: ['red', 'blue'] });
    expect(await contactCount(t)).toBe(before + 2);
  });
});

describe('the unknown-key policy', () => {
  async function setPolicy(policy: 'STORE' | 'REJECT') {
    const data = await run<{
      updateWorkspace: { workspace: { unknownAttributes: string } };
    }>(
      t,
      `mutation($p: UnknownAttributesPolicy!) { updateWorkspace(input: { unknownAttributes: $p }) {
         ... on UpdateWorkspaceSuccess { workspace { unknownAttributes } } } }`,
      { p: policy },
    );
    expect(data.updateWorkspace.workspace.unknownAttributes).toBe(policy);
  }

  it('stores unknown keys untyped by default, and refuses them under REJECT', async () => {
    const viewer = await run<{ viewer: { workspace: { unknownAttributes: string } } }>(
      t,
      'query { viewer { workspace { unknownAttributes } } }',
    );
    expect(viewer.viewer.workspace.unknownAttributes).toBe('STORE');
    const stored = contactOf(
      await createContact(t, { customAttributes: { free_form: { any: ['thing'] }, t_number: 1 } }),
    );
    expect(stored.customAttributes).toEqual({ free_form: { any: ['thing'] }, t_number: 1 });
    expect(stored.attributes.find((a) => a.key === 'free_form')).toMatchObject({
      definition: null,
      value: { any: ['thing'] },
      displayValue: '{"any":["thing"]}',
    });

    await setPolicy('REJECT');
    try {
      const before = await contactCount(t);
      const refused = await createContact(t, { customAttributes: { free_form: 1, t_number: 1 } });
      expect(errorPaths(refused)).toEqual(['customAttributes.free_form']);
      const batch = await upsertContacts(t, [
        { externalId: unique('rj-'), customAttributes: { other_key: 1 } },
      ]);
      expect(batch[0]?.error?.fieldErrors?.[0]?.path).toEqual([
        'contacts',
        '0',
        'customAttributes',
        'other_key',
      ]);
      expect(await contactCount(t)).toBe(before);
      // Keys with a definition are still fine; stored untyped keys stay readable.
      contactOf(await createContact(t, { customAttributes: { t_number: 3 } }));
      expect((await getContact(t, stored.id))?.customAttributes).toHaveProperty('free_form');
    } finally {
      await setPolicy('STORE');
    }
  });

  it('refuses a null policy', async () => {
    const data = await run<{ updateWorkspace: { fieldErrors: { path: string[] }[] } }>(
      t,
      `mutation { updateWorkspace(input: { unknownAttributes: null }) {
         ... on ValidationError { fieldErrors { path } } } }`,
    );
    expect(data.updateWorkspace.fieldErrors[0]?.path).toEqual(['unknownAttributes']);
  });

  it('needs the admin scope to change the policy', async () => {
    const response = await t.gql<unknown, Record<string, unknown>>(
      'mutation { updateWorkspace(input: { unknownAttributes: REJECT }) { __typename } }',
      {},
      { key: t.a.keys.write },
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('Contact.attributes', () => {
  it('lists the profile definitions (set or not) and stored keys with display values', async () => {
    const contact = contactOf(
      await createContact(t, {
        customAttributes: {
          t_number: 1234567.5,
          t_bool: true,
          t_date: '2026-11-25',
          t_datetime: '2026-11-25T14:30:00Z',
          t_multi: ['red', 'blue'],
          zz_untyped: 'x',
        },
      }),
    );
    const byKey = new Map(contact.attributes.map((a) => [a.key, a]));
    expect(contact.attributes.map((a) => a.key)).toEqual([
      't_text',
      't_number',
      't_bool',
      't_date',
      't_datetime',
      't_list',
      't_multi',
      't_url',
      't_email',
      't_phone',
      't_json',
      't_code',
      'zz_untyped',
    ]);
    expect(byKey.get('t_text')).toMatchObject({ value: null, displayValue: '' });
    expect(byKey.get('t_number')?.displayValue).toBe('1,234,567.5');
    expect(byKey.get('t_bool')?.displayValue).toBe('Yes');
    expect(byKey.get('t_date')?.displayValue).toBe('November 25, 2026');
    expect(byKey.get('t_datetime')?.displayValue).toBe('November 25, 2026 at 2:30 PM UTC');
    expect(byKey.get('t_multi')).toMatchObject({
      value: ['red', 'blue'],
      displayValue: 'red, blue',
      definition: { key: 't_multi', type: 'MULTI_SELECT' },
    });
    expect(byKey.get('zz_untyped')).toMatchObject({ definition: null, displayValue: 'x' });
  });

  it('reads the schema once for a page of contacts', async () => {
    for (let i = 0; i < 3; i++) {
      await createContact(t, { customAttributes: { t_number: i } });
    }
    const query = `query { contacts(first: 20) { edges { node { id profiles { slug }
      attributes { key displayValue definition { key profiles { slug } } } } } } }`;
    const few = await t.countStatements(() => run(t, query.replace('20', '2')));
    const many = await t.countStatements(() => run(t, query));
    expect(many).toBe(few);
  });
});

describe('isolation', () => {
  it('validates values against the writing workspace’s definitions only', async () => {
    const keyB = t.b.keys.write;
    const inB = contactOf(
      await createContact(t, { customAttributes: { t_number: 'abc', t_list: 'x' } }, keyB),
    );
    expect(inB.customAttributes).toEqual({ t_number: 'abc', t_list: 'x' });
    expect(inB.attributes.map((a) => [a.key, a.definition])).toEqual([
      ['t_list', null],
      ['t_number', null],
    ]);
    expect(await getContact(t, inB.id)).toBeNull();
  });
});

describe('nothing half-written', () => {
  it('leaves a contact untouched when a later field of the same write is refused', async () => {
    const c = contactOf(
      await createContact(t, { name: 'Whole', customAttributes: { t_text: 'keep' } }),
    );
    const refused = await updateContact(t, {
      id: c.id,
      name: 'Half',
      customAttributes: { t_text: 'new', t_number: 'NaN-ish' },
    });
    expect(errorPaths(refused)).toEqual(['customAttributes.t_number']);
    const data = await run<{ node: { name: string; customAttributes: unknown } }>(
      t,
      'query($id: ID!) { node(id: $id) { ... on Contact { name customAttributes } } }',
      { id: c.id },
    );
    expect(data.node).toEqual({ name: 'Whole', customAttributes: { t_text: 'keep' } });
  });
});
