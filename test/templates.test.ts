import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttributeType } from '../src/db/schema.js';
import { decodeGlobalId, encodeGlobalId } from '../src/global-id.js';
import { graphql } from './gql/index.js';
import { dataOf, startTestServer, type TestServer } from './harness.js';

/**
 * `renderTemplate` through the server: every placeholder, typed formatting per attribute type
 * (locale and time zone), missing and archived values, untyped keys, every kind of refused
 * template with its position, argument errors, and isolation between workspaces.
 */

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const Render = graphql(`
  query TemplatesRender($contactId: ID!, $template: String!, $locale: String, $timeZone: String) {
    renderTemplate(contactId: $contactId, template: $template, locale: $locale, timeZone: $timeZone) {
      __typename
      ... on RenderTemplateSuccess { text }
      ... on ValidationError { message fieldErrors { path message } }
      ... on NotFoundError { field message }
    }
  }
`);

const CreateContact = graphql(`
  mutation TemplatesCreateContact($input: CreateContactInput!) {
    createContact(input: $input) {
      __typename
      ... on CreateContactSuccess { contact { id } }
    }
  }
`);

const Delete = graphql(`
  mutation TemplatesDelete($input: DeleteContactInput!) {
    deleteContact(input: $input) { __typename }
  }
`);

const Define = graphql(`
  mutation TemplatesDefine($input: CreateAttributeDefinitionInput!) {
    createAttributeDefinition(input: $input) {
      __typename
      ... on CreateAttributeDefinitionSuccess { attributeDefinition { id } }
    }
  }
`);

const Archive = graphql(`
  mutation TemplatesArchive($input: ArchiveAttributeDefinitionInput!) {
    archiveAttributeDefinition(input: $input) {
      __typename
      ... on ArchiveAttributeDefinitionSuccess { affectedContacts }
    }
  }
`);

const SetPolicy = /* GraphQL */ `
  mutation TemplatesSetPolicy($input: UpdateWorkspaceInput!) {
    updateWorkspace(input: $input) { __typename }
  }
`;

type Options = { locale?: string; timeZone?: string; key?: string };

async function render(contactId: string, template: string, options: Options = {}) {
  const { key, ...args } = options;
  const data = dataOf(await t.gql(Render, { contactId, template, ...args }, { key }));
  return data.renderTemplate;
}

async function text(contactId: string, template: string, options: Options = {}) {
  const result = await render(contactId, template, options);
  if (result.__typename !== 'RenderTemplateSuccess') {
    throw new Error(`expected text, got ${JSON.stringify(result)}`);
  }
  return result.text;
}

async function fieldErrors(contactId: string, template: string, options: Options = {}) {
  const result = await render(contactId, template, options);
  if (result.__typename !== 'ValidationError') {
    throw new Error(`expected a ValidationError, got ${JSON.stringify(result)}`);
  }
  return result.fieldErrors;
}

async function createContact(input: Record<string, unknown>, key?: string): Promise<string> {
  const data = dataOf(await t.gql(CreateContact, { input }, { key }));
  if (data.createContact.__typename !== 'CreateContactSuccess') {
    throw new Error(`createContact failed: ${JSON.stringify(data.createContact)}`);
  }
  return data.createContact.contact.id;
}

/** A definition in workspace A (in its default profile), through the API. */
async function define(
  key: string,
  type: AttributeType,
  options: string[] | null = null,
  apiKey?: string,
) {
  const input = { key, name: key, type, options };
  const data = dataOf(await t.gql(Define, { input }, { key: apiKey }));
  if (data.createAttributeDefinition.__typename !== 'CreateAttributeDefinitionSuccess') {
    throw new Error(`createAttributeDefinition failed: ${JSON.stringify(data)}`);
  }
  return data.createAttributeDefinition.attributeDefinition.id;
}

const ATTRIBUTES = {
  plan: 'pro',
  ltv: 1234567.5,
  vip: true,
  churned: false,
  signup_date: '2025-03-09',
  demo_at: '2026-11-25T14:30:00.000Z',
  tier: 'Gold',
  interests: ['api', 'billing'],
  homepage: 'https://example.com/',
  billing_email: 'billing@example.com',
  office_phone: '+33142685300',
  settings: { theme: 'dark', beta: [1, 2] },
  legacy_count: 42,
  legacy_list: ['a', 'b'],
  legacy_note: 'hello <b>world</b>',
};

let full: string;
let empty: string;
let withRetired: string;

beforeAll(async () => {
  await define('plan', 'TEXT');
  await define('ltv', 'NUMBER');
  await define('vip', 'BOOLEAN');
  await define('churned', 'BOOLEAN');
  await define('signup_date', 'DATE');
  await define('demo_at', 'DATETIME');
  await define('tier', 'LIST', ['Silver', 'Gold']);
  await define('interests', 'MULTI_SELECT', ['api', 'mobile', 'billing']);
  await define('homepage', 'URL');
  await define('billing_email', 'EMAIL');
  await define('office_phone', 'PHONE');
  await define('settings', 'JSON');
  const retired = await define('retired', 'TEXT');
  await define('never_set', 'NUMBER');
  full = await createContact({
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    phone: '+14155550123',
    externalId: 'user_42',
    timezone: 'Europe/Paris',
    customAttributes: ATTRIBUTES,
  });
  empty = await createContact({});
  withRetired = await createContact({ name: 'Old', customAttributes: { retired: 'kept' } });
  const archived = dataOf(await t.gql(Archive, { input: { id: retired } }));
  expect(archived.archiveAttributeDefinition).toMatchObject({ affectedContacts: 1 });
  // A value stored under the archived key anyway (a row from before the archive moved values
  // aside): hidden all the same.
  await sql`update contacts set custom_attributes = custom_attributes || '{"retired":"gone"}'
    where workspace_id = ${t.a.id} and id = ${decodeGlobalId(full).id}`.execute(t.database.db);
});

describe('placeholders', () => {
  it('renders every contact field, with or without whitespace inside the braces', async () => {
    expect(
      await text(
        full,
        'Hi {{contact.name}} <{{ contact.email }}>, {{  contact.phone\t}} / {{contact.externalId}}',
      ),
    ).toBe('Hi Ada Lovelace <ada@example.com>, +14155550123 / user_42');
  });

  it('renders missing fields and attributes as nothing', async () => {
    expect(
      await text(
        empty,
        '[{{contact.name}}|{{contact.email}}|{{contact.phone}}|{{contact.externalId}}|' +
          '{{contact.attr.plan}}|{{contact.attr.nope}}]',
      ),
    ).toBe('[|||||]');
    expect(await text(full, '[{{contact.attr.never_set}}{{contact.attr.no_such_key}}]')).toBe('[]');
  });

  it('keeps text without placeholders, lone braces and literal \\{{ as they are', async () => {
    expect(await text(full, '')).toBe('');
    expect(await text(full, 'plain { text } }} here')).toBe('plain { text } }} here');
    expect(await text(full, 'literal \\{{contact.name}} then {{contact.name}}')).toBe(
      'literal {{contact.name}} then Ada Lovelace',
    );
    expect(await text(full, 'line 1\nline 2: {{contact.name}}\n')).toBe(
      'line 1\nline 2: Ada Lovelace\n',
    );
  });

  it('does not escape HTML: the output is plain text', async () => {
    expect(await text(full, '<p>{{contact.attr.legacy_note}}</p>')).toBe(
      '<p>hello <b>world</b></p>',
    );
  });

  it('hides an archived attribute', async () => {
    expect(await text(withRetired, '{{contact.name}}[{{contact.attr.retired}}]')).toBe('Old[]');
    expect(await text(full, '[{{contact.attr.retired}}]')).toBe('[]');
  });
});

describe('typed formatting', () => {
  const attr = (key: string, options?: Options) => text(full, `{{contact.attr.${key}}}`, options);

  it('formats each type in the default locale (en-US)', async () => {
    expect(await attr('plan')).toBe('pro');
    expect(await attr('ltv')).toBe('1,234,567.5');
    expect(await attr('vip')).toBe('Yes');
    expect(await attr('churned')).toBe('No');
    expect(await attr('signup_date')).toBe('March 9, 2025');
    expect(await attr('tier')).toBe('Gold');
    expect(await attr('interests')).toBe('api, billing');
    expect(await attr('homepage')).toBe('https://example.com/');
    expect(await attr('billing_email')).toBe('billing@example.com');
    expect(await attr('office_phone')).toBe('+33142685300');
    // jsonb stores object keys in its own order (shorter first).
    expect(await attr('settings')).toBe('{"beta":[1,2],"theme":"dark"}');
  });

  it('formats numbers and dates in the given locale', async () => {
    const de = await attr('ltv', { locale: 'de-DE' });
    expect(de).toBe('1.234.567,5');
    expect(await attr('signup_date', { locale: 'fr-FR' })).toBe('9 mars 2025');
  });

  it('shows date-times in the contact’s time zone unless one is given', async () => {
    expect(await attr('demo_at')).toBe('November 25, 2026 at 3:30 PM GMT+1');
    expect(await attr('demo_at', { timeZone: 'UTC' })).toBe('November 25, 2026 at 2:30 PM UTC');
    expect(await attr('demo_at', { timeZone: 'America/New_York' })).toBe(
      'November 25, 2026 at 9:30 AM EST',
    );
  });

  it('shows a DATE as the same calendar day in every time zone', async () => {
    expect(await attr('signup_date', { timeZone: 'Pacific/Kiritimati' })).toBe('March 9, 2025');
    expect(await attr('signup_date', { timeZone: 'Pacific/Pago_Pago' })).toBe('March 9, 2025');
  });

  it('renders untyped keys: strings as they are, other values as JSON', async () => {
    expect(await text(full, '{{contact.attr.legacy_count}} {{contact.attr.legacy_list}}')).toBe(
      '42 ["a","b"]',
    );
  });
});

describe('refused templates', () => {
  it('names an unknown placeholder with its line and column', async () => {
    const errors = await fieldErrors(full, 'Hello {{contact.foo}}!');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toEqual(['template']);
    expect(errors[0]?.message).toMatch(/^unknown placeholder "\{\{contact\.foo\}\}"/);
    expect(errors[0]?.message).toContain('at line 1, column 7');
  });

  it('lists every bad placeholder, on any line', async () => {
    const errors = await fieldErrors(
      full,
      '{{contact.attr.}} ok {{contact.name}}\n  {{ name }} {{contact.Name}} {{contact.attr.a b}}',
    );
    expect(errors.map((e) => e.message.replace(/ \(known.*\)/, ''))).toEqual([
      'unknown placeholder "{{contact.attr.}}" at line 1, column 1',
      'unknown placeholder "{{ name }}" at line 2, column 3',
      'unknown placeholder "{{contact.Name}}" at line 2, column 14',
      'unknown placeholder "{{contact.attr.a b}}" at line 2, column 31',
    ]);
    expect(errors[0]?.message).toContain('{{contact.attr.<key>}}');
  });

  it('refuses an unclosed placeholder', async () => {
    const errors = await fieldErrors(full, 'Hi {{contact.name}}, bye {{contact.name');
    expect(errors).toEqual([
      {
        path: ['template'],
        message: 'unclosed placeholder "{{contact.name" (no "}}" follows) at line 1, column 26',
      },
    ]);
  });

  it('refuses a template over 64 KB', async () => {
    const errors = await fieldErrors(full, 'x'.repeat(64 * 1024 + 1));
    expect(errors).toEqual([{ path: ['template'], message: 'is longer than 65536 bytes' }]);
    expect(await text(full, 'x'.repeat(64 * 1024))).toHaveLength(64 * 1024);
  });

  it('refuses a template whose text would exceed 1 MB', async () => {
    const big = await createContact({ customAttributes: { blob: 'y'.repeat(60_000) } });
    const template = '{{contact.attr.blob}}'.repeat(20);
    const errors = await fieldErrors(big, template);
    expect(errors).toEqual([
      { path: ['template'], message: 'renders to more than 1048576 characters' },
    ]);
  });
});

describe('arguments', () => {
  it('refuses an invalid locale or time zone, naming it', async () => {
    expect(await fieldErrors(full, '{{contact.name}}', { locale: 'not a locale!' })).toEqual([
      { path: ['locale'], message: '"not a locale!" is not a BCP 47 locale' },
    ]);
    expect(await fieldErrors(full, '{{contact.name}}', { timeZone: 'Mars/Olympus' })).toEqual([
      { path: ['timeZone'], message: '"Mars/Olympus" is not an IANA time zone' },
    ]);
  });

  it('reports every argument problem at once', async () => {
    const errors = await fieldErrors('nonsense', '{{x}}', { locale: '??', timeZone: 'Nowhere' });
    expect(errors.map((e) => e.path)).toEqual([
      ['contactId'],
      ['locale'],
      ['timeZone'],
      ['template'],
    ]);
  });

  it('refuses an ID of another type', async () => {
    expect(await fieldErrors(encodeGlobalId('Label', '1'), 'x')).toEqual([
      { path: ['contactId'], message: 'must be a Contact ID' },
    ]);
  });

  it('needs a key with the read scope', async () => {
    const response = await t.gql(Render, { contactId: full, template: 'x' }, { key: null });
    expect(response.data?.renderTemplate).toBeUndefined();
    expect(response.errors?.length).toBeGreaterThan(0);
    expect(await text(full, '{{contact.name}}', { key: t.a.keys.read })).toBe('Ada Lovelace');
  });
});

describe('not found and isolation', () => {
  it('is NotFoundError for an unknown contact', async () => {
    const result = await render(encodeGlobalId('Contact', '987654321'), '{{contact.name}}');
    expect(result).toMatchObject({ __typename: 'NotFoundError', field: 'contactId' });
  });

  it('is NotFoundError for a deleted contact', async () => {
    const gone = await createContact({ name: 'Gone' });
    dataOf(await t.gql(Delete, { input: { id: gone } }));
    expect(await render(gone, '{{contact.name}}')).toMatchObject({ __typename: 'NotFoundError' });
  });

  it('does not render another workspace’s contact, nor use its definitions', async () => {
    expect(await render(full, '{{contact.name}}', { key: t.b.keys.admin })).toMatchObject({
      __typename: 'NotFoundError',
      field: 'contactId',
    });
    // B stores the same keys untyped: A's definitions do not format B's values.
    const theirs = await createContact(
      { name: 'Bea', customAttributes: { ltv: 1234567.5, vip: true } },
      t.b.keys.admin,
    );
    expect(
      await text(theirs, '{{contact.name}} {{contact.attr.ltv}} {{contact.attr.vip}}', {
        key: t.b.keys.admin,
      }),
    ).toBe('Bea 1234567.5 true');
    expect(await render(theirs, '{{contact.name}}')).toMatchObject({
      __typename: 'NotFoundError',
    });
  });
});

describe('a workspace that rejects keys without a definition', () => {
  it('refuses an attribute placeholder no definition has, renders defined ones', async () => {
    const key = t.b.keys.admin;
    const contact = await createContact({ name: 'Cy', customAttributes: { legacy: 'x' } }, key);
    dataOf(await t.gql(SetPolicy, { input: { unknownAttributes: 'REJECT' } }, { key }));
    await define('tier', 'LIST', ['Silver', 'Gold'], key);
    expect(await text(contact, '{{contact.name}}[{{contact.attr.tier}}]', { key })).toBe('Cy[]');
    expect(
      await fieldErrors(contact, 'Hi\n  {{ contact.attr.tire }} {{contact.attr.legacy}}', { key }),
    ).toEqual([
      {
        path: ['template'],
        message:
          'unknown attribute "{{contact.attr.tire}}": no attribute definition has this key ' +
          '(the workspace rejects keys without one) at line 2, column 3',
      },
      {
        path: ['template'],
        message:
          'unknown attribute "{{contact.attr.legacy}}": no attribute definition has this key ' +
          '(the workspace rejects keys without one) at line 2, column 27',
      },
    ]);
    // Workspace A stores unknown keys: the same template just renders nothing for them.
    expect(await text(full, '[{{contact.attr.tire}}]')).toBe('[]');
  });
});
