import type { FormattedExecutionResult } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Config, configFor } from '../src/config.js';
import { createApiKey, revokeApiKey } from '../src/db/api-keys.js';
import { encodeGlobalId } from '../src/global-id.js';
import type { Logger } from '../src/logger.js';
import { createServer } from '../src/server.js';
import { graphql } from './gql/index.js';
import { dataOf, startTestServer, type TestServer } from './harness.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await t.seed(t.a.id, { contacts: 12, organizations: 3, labels: 3, conversations: 20 });
});
afterAll(() => t?.close());

const VIEWER_QUERY = '{ viewer { workspace { name } scopes } }';

/** A raw POST, so tests control the Authorization header byte for byte. */
async function post(headers: Record<string, string>, query = VIEWER_QUERY) {
  const response = await t.fetch('/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...headers,
    },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as {
    data?: unknown;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
  return { response, body };
}

function expectUnauthenticated(
  { response, body }: Awaited<ReturnType<typeof post>>,
  message: RegExp,
) {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe('Bearer');
  expect(body).not.toHaveProperty('data');
  expect(body.errors).toHaveLength(1);
  expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  expect(body.errors?.[0]?.message).toMatch(message);
}

describe('HTTP authentication', () => {
  it('rejects a request without an API key', async () => {
    expectUnauthenticated(await post({}), /missing api key/i);
  });

  it.each([
    ['a Basic credential', 'Basic dXNlcjpwYXNz'],
    ['Bearer without a key', 'Bearer'],
    ['a key with a space in it', 'Bearer cg_abc def'],
    ['the key without the Bearer scheme', 'KEY_A_ADMIN'],
  ])('rejects a malformed Authorization header: %s', async (_name, header) => {
    const value = header.replace('KEY_A_ADMIN', t.a.keys.admin);
    expectUnauthenticated(await post({ authorization: value }), /missing api key/i);
  });

  it('rejects a key that does not exist', async () => {
    const wrong = `cg_${'x'.repeat(43)}`;
    expectUnauthenticated(await post({ authorization: `Bearer ${wrong}` }), /invalid/i);
  });

  it('rejects a key with one character changed', async () => {
    const key = t.a.keys.admin;
    const changed = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    expectUnauthenticated(await post({ authorization: `Bearer ${changed}` }), /invalid/i);
  });

  it('rejects a key once it is revoked', async () => {
    const created = await createApiKey(t.database.db, t.a.id, ['read'], 'to revoke');
    const before = await post({ authorization: `Bearer ${created.key}` });
    expect(before.response.status).toBe(200);
    expect(before.body.data).toEqual({
      viewer: { workspace: { name: 'Workspace A' }, scopes: ['READ'] },
    });
    expect(await revokeApiKey(t.database.db, created.id)).toBe(true);
    expectUnauthenticated(await post({ authorization: `Bearer ${created.key}` }), /revoked/i);
  });

  it('rejects a GET query without an API key the same way', async () => {
    const response = await t.fetch(`/graphql?query=${encodeURIComponent(VIEWER_QUERY)}`, {
      headers: { accept: 'application/graphql-response+json' },
    });
    expectUnauthenticated(
      { response, body: (await response.json()) as Awaited<ReturnType<typeof post>>['body'] },
      /missing api key/i,
    );
  });

  it('accepts the Bearer scheme in any case', async () => {
    const { response, body } = await post({ authorization: `bearer ${t.a.keys.read}` });
    expect(response.status).toBe(200);
    expect(body.errors).toBeUndefined();
  });
});

const Scopes = graphql(`
  query AuthScopes {
    viewer { workspace { id } scopes }
    contacts(first: 3) { totalCount edges { node { id } } }
  }
`);

describe('key scopes', () => {
  it('lets a read-only key read', async () => {
    const data = dataOf(await t.gql(Scopes, {}, { key: t.a.keys.read }));
    expect(data.contacts.totalCount).toBe(12);
    expect(data.contacts.edges).toHaveLength(3);
  });

  it.each([
    ['admin', ['ADMIN', 'READ', 'WRITE']],
    ['read', ['READ']],
    ['write', ['WRITE']],
  ] as const)('shows a %s key its own scopes', async (kind, scopes) => {
    const data = dataOf(await t.gql(Scopes, {}, { key: t.a.keys[kind] }));
    expect([...data.viewer.scopes].sort()).toEqual(scopes);
    expect(data.viewer.workspace.id).toBe(t.a.globalId);
  });
});

describe('graphql-ws authentication', () => {
  /** A client that never retries, recording how its socket closed. */
  function wsClient(connectionParams: Record<string, unknown>) {
    let closeCode: number | undefined;
    const client = createClient({
      url: t.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      lazy: true,
      on: {
        closed: (event) => {
          closeCode = (event as { code?: number }).code;
        },
      },
    });
    const run = (query: string) =>
      new Promise<FormattedExecutionResult<Record<string, unknown>, unknown>>((resolve, reject) => {
        let result: FormattedExecutionResult<Record<string, unknown>, unknown> | undefined;
        client.subscribe<Record<string, unknown>>(
          { query },
          {
            next: (value) => {
              result = value;
            },
            error: reject,
            complete: () => (result ? resolve(result) : reject(new Error('no result'))),
          },
        );
      });
    return { client, run, closeCode: () => closeCode };
  }

  it('answers a query over a socket authenticated with connectionParams', async () => {
    const { client, run } = wsClient({ authorization: `Bearer ${t.b.keys.read}` });
    try {
      const result = await run(VIEWER_QUERY);
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({
        viewer: { workspace: { name: 'Workspace B' }, scopes: ['READ'] },
      });
    } finally {
      await client.dispose();
    }
  });

  it.each([
    ['a wrong key', { authorization: `Bearer cg_${'y'.repeat(43)}` }],
    ['no key', {}],
    ['a key without the Bearer scheme', { authorization: 'KEY' }],
  ] as [string, { authorization?: string }][])(
    'closes the connection with 4403 for %s',
    async (_name, params) => {
      const connectionParams =
        params.authorization === 'KEY' ? { authorization: t.a.keys.admin } : params;
      const { client, run, closeCode } = wsClient(connectionParams);
      try {
        const error = await run(VIEWER_QUERY).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect((error as { code?: number } | undefined)?.code).toBe(4403);
        expect(closeCode()).toBe(4403);
      } finally {
        await client.dispose();
      }
    },
  );
});

describe('client mistakes', () => {
  const orgId = encodeGlobalId('Organization', '1');
  it.each([
    ['a malformed global ID to node', '{ node(id: "not-an-id") { id } }', 'id'],
    ['a malformed global ID to contact', '{ contact(id: "%%%") { id } }', 'id'],
    [
      'an ID too large for a row id',
      `{ contact(id: "${encodeGlobalId('Contact', '9'.repeat(19))}") { id } }`,
      'id',
    ],
    ['an Organization ID to contact(id:)', `{ contact(id: "${orgId}") { id } }`, 'id'],
    ['a malformed after cursor', '{ contacts(after: "nope") { totalCount } }', 'after'],
    ['a malformed before cursor', '{ contacts(last: 2, before: "nope") { totalCount } }', 'before'],
    ['a cursor made for another order', 'CURSOR_OF_DEFAULT_ORDER', 'after'],
    ['contact() without any argument', '{ contact { id } }', 'id'],
    ['first: 101', '{ contacts(first: 101) { totalCount } }', 'first'],
    ['last: 101', '{ contacts(last: 101) { totalCount } }', 'last'],
    ['first: -1', '{ contacts(first: -1) { totalCount } }', 'first'],
    [
      'first: 101 on a nested connection',
      '{ organizations(first: 1) { edges { node { contacts(first: 101) { totalCount } } } } }',
      'first',
    ],
    [
      'a Label ID in an organization filter',
      `{ contacts(filter: { organizationId: { eq: "${encodeGlobalId('Label', '1')}" } }) { totalCount } }`,
      'filter.organizationId.eq',
    ],
  ])('answers %s with BAD_USER_INPUT naming the argument', async (_name, query, argument) => {
    let text = query;
    if (query === 'CURSOR_OF_DEFAULT_ORDER') {
      const first = dataOf(
        await t.gql<{ contacts: { pageInfo: { endCursor: string } } }, unknown>(
          '{ contacts(first: 1) { pageInfo { endCursor } } }',
        ),
      );
      text = `{ contacts(after: "${first.contacts.pageInfo.endCursor}", orderBy: [{ field: NAME, direction: ASC }]) { totalCount } }`;
    }
    const { response, body } = await post({ authorization: `Bearer ${t.a.keys.read}` }, text);
    expect(response.status).toBeLessThan(500);
    expect(body.errors).toHaveLength(1);
    const [error] = body.errors ?? [];
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.extensions?.argument).toBe(argument);
    expect(error?.message.startsWith(`${argument}:`)).toBe(true);
    if (argument === 'first' || argument === 'last') expect(error?.message).toContain('100');
  });

  it('names the expected and the given type for an ID of the wrong type', async () => {
    const { body } = await post(
      { authorization: `Bearer ${t.a.keys.read}` },
      `{ contact(id: "${encodeGlobalId('Organization', '1')}") { id } }`,
    );
    expect(body.errors?.[0]?.message).toMatch(/Contact.*Organization/);
  });
});

describe('unexpected errors', () => {
  let broken: TestServer;
  const logged: { message: string; fields?: Record<string, unknown> }[] = [];
  const log: Logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (message, fields) => {
      logged.push({ message, fields: fields as Record<string, unknown> });
    },
  };
  let server: Awaited<ReturnType<typeof createServer>>;

  beforeAll(async () => {
    // A server of its own whose database lost a table: every label read is a server bug.
    broken = await startTestServer();
    const config: Config = configFor({ kind: 'pglite', dataDir: 'memory://' });
    server = await createServer(config, broken.database, log);
    await broken.database.db.schema.dropTable('labels').cascade().execute();
  });
  afterAll(async () => {
    await server?.close();
    await broken?.close();
  });

  async function brokenQuery(headers: Record<string, string> = {}) {
    const response = await server.yoga.fetch(
      new Request('http://localhost/graphql', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          authorization: `Bearer ${broken.a.keys.read}`,
          ...headers,
        },
        body: JSON.stringify({ query: '{ viewer { scopes } labels { totalCount } }' }),
      }),
    );
    const text = await response.text();
    return { response, text, body: JSON.parse(text) as Awaited<ReturnType<typeof post>>['body'] };
  }

  it('masks the message and code of a server error', async () => {
    const { response, text, body } = await brokenQuery();
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]?.message).toBe('Unexpected error.');
    expect(body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(text).not.toMatch(/relation|does not exist|labels_|select /i);
    expect(response.status).not.toBe(401);
  });

  it('logs the real error with the request id the client got', async () => {
    logged.length = 0;
    const { response } = await brokenQuery();
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    expect(logged).toHaveLength(1);
    expect(logged[0]?.fields?.requestId).toBe(requestId);
    expect(String(logged[0]?.fields?.error)).toMatch(/labels/);
  });

  it('logs the request id the client sent', async () => {
    logged.length = 0;
    await brokenQuery({ 'x-request-id': 'client-chosen-42' });
    expect(logged[0]?.fields?.requestId).toBe('client-chosen-42');
  });
});

describe('request ids', () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  it('returns a fresh x-request-id on every response', async () => {
    const first = await post({ authorization: `Bearer ${t.a.keys.read}` });
    const second = await post({ authorization: `Bearer ${t.a.keys.read}` });
    expect(first.response.headers.get('x-request-id')).toMatch(UUID);
    expect(second.response.headers.get('x-request-id')).toMatch(UUID);
    expect(first.response.headers.get('x-request-id')).not.toBe(
      second.response.headers.get('x-request-id'),
    );
  });

  it('echoes a valid x-request-id the client sent', async () => {
    const { response } = await post({
      authorization: `Bearer ${t.a.keys.read}`,
      'x-request-id': 'trace.abc_123-XYZ',
    });
    expect(response.headers.get('x-request-id')).toBe('trace.abc_123-XYZ');
  });

  it.each([
    ['with spaces', 'not a valid id'],
    ['too long', 'x'.repeat(101)],
    ['with markup', '<script>'],
  ])('replaces an x-request-id %s with its own', async (_name, given) => {
    const { response } = await post({
      authorization: `Bearer ${t.a.keys.read}`,
      'x-request-id': given,
    });
    expect(response.headers.get('x-request-id')).toMatch(UUID);
  });

  it('returns x-request-id on an unauthenticated response too', async () => {
    const { response } = await post({ 'x-request-id': 'denied-1' });
    expect(response.status).toBe(401);
    expect(response.headers.get('x-request-id')).toBe('denied-1');
  });
});
