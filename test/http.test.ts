import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, configFor, type DatabaseConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connect.js';
import { createDemoSchema } from '../src/demo/demo-schema.js';
import { EXAMPLE_OPERATIONS } from '../src/graphiql.js';
import { createLogger } from '../src/logger.js';
import { createServer } from '../src/server.js';
import { startTestServer, type TestServer } from './harness.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

describe('health checks', () => {
  it('answers /healthz with 200', async () => {
    const response = await t.fetch('/healthz');
    expect(response.status).toBe(200);
  });

  it('answers /readyz with 200 while the database answers', async () => {
    const response = await t.fetch('/readyz');
    expect(response.status).toBe(200);
  });

  it('answers /readyz with 503 once the database is gone, while /healthz stays 200', async () => {
    // A server of its own, so closing its database harms no other test.
    const databaseConfig: DatabaseConfig = process.env.DATABASE_URL
      ? { kind: 'postgres', url: process.env.DATABASE_URL, schema: 'public', poolSize: 1 }
      : { kind: 'pglite', dataDir: 'memory://' };
    const config: Config = configFor(databaseConfig);
    const database = await openDatabase(databaseConfig);
    const server = await createServer(config, database, createLogger('silent'));
    const get = (path: string) =>
      Promise.resolve(server.yoga.fetch(new Request(`http://localhost${path}`)));
    try {
      expect((await get('/readyz')).status).toBe(200);
      await database.close();
      expect((await get('/readyz')).status).toBe(503);
      expect((await get('/healthz')).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('needs no API key for health checks', async () => {
    const response = await t.fetch('/healthz', { headers: { authorization: 'Bearer wrong' } });
    expect(response.status).toBe(200);
  });
});

describe('GraphiQL', () => {
  async function graphiql(query = '') {
    const response = await t.fetch(`/graphql${query}`, { headers: { accept: 'text/html' } });
    const html = await response.text();
    return { response, html };
  }

  /** The options GraphiQL is rendered with: the last argument of `renderYogaGraphiQL(…)`. */
  function optionsOf(html: string): { defaultQuery?: string; headers?: string } {
    const call = html.lastIndexOf('renderYogaGraphiQL(');
    const start = html.indexOf('{', html.indexOf(',', call));
    const end = html.indexOf('\n', start);
    return JSON.parse(html.slice(start, end).trim().replace(/,$/, ''));
  }

  it('serves a self-contained page: no script or stylesheet from another origin', async () => {
    const { response, html } = await graphiql();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(html).toMatch(/<!doctype html>/i);
    expect(html).not.toMatch(/<script\b[^>]*\bsrc\s*=/i);
    expect(html).not.toMatch(/<link\b[^>]*\bhref\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import\s+(url\()?["']?(https?:)?\/\//i);
  });

  it('opens with the example operations', async () => {
    const { html } = await graphiql();
    expect(optionsOf(html).defaultQuery).toBe(EXAMPLE_OPERATIONS);
    expect(EXAMPLE_OPERATIONS).toContain('query ContactTable');
  });

  it('pre-fills the Authorization header from ?apiKey=', async () => {
    const key = t.a.keys.read;
    const { html } = await graphiql(`?apiKey=${encodeURIComponent(key)}`);
    const headers = optionsOf(html).headers;
    expect(JSON.parse(headers ?? '{}')).toEqual({ Authorization: `Bearer ${key}` });
  });

  it('pre-fills nothing without ?apiKey=', async () => {
    const { html } = await graphiql();
    expect(optionsOf(html).headers).toBeUndefined();
  });

  it('does not let ?apiKey= inject markup into the page', async () => {
    const attack = 'cg_</script><script>alert(1)</script>';
    const { response, html } = await graphiql(`?apiKey=${encodeURIComponent(attack)}`);
    expect(response.status).toBe(200);
    expect(html).not.toContain('<script>alert(1)');
    expect(optionsOf(html).headers).toBeUndefined();
  });

  it('runs the example operations without errors against seeded data', async () => {
    await t.seed(t.a.id, { contacts: 30, organizations: 5, labels: 5, conversations: 40 });
    // The demo's attribute schema and segment, created the way `npm start` does.
    await createDemoSchema((_url, init) => t.fetch('/graphql', init), t.a.keys.admin);
    const first = await t.gql<{ contacts: { edges: { node: { id: string } }[] } }, object>(
      '{ contacts(first: 1) { edges { node { id } } } }',
    );
    const variables = { contactId: first.data?.contacts.edges[0]?.node.id };
    const names = [...EXAMPLE_OPERATIONS.matchAll(/^query (\w+)/gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(3);
    for (const operationName of names) {
      const response = await t.fetch('/graphql', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${t.a.keys.read}`,
        },
        body: JSON.stringify({ query: EXAMPLE_OPERATIONS, operationName, variables }),
      });
      const body = (await response.json()) as { data?: unknown; errors?: unknown };
      expect(body.errors, operationName).toBeUndefined();
      expect(body.data, operationName).toBeTruthy();
    }
  });
});

describe('GraphQL over HTTP', () => {
  it('passes every MUST and SHOULD audit of graphql-http over a real socket', async () => {
    const key = t.a.keys.admin;
    const results = await auditServer({
      url: t.url,
      fetchFn: (input: RequestInfo | URL, init?: RequestInit) => {
        const headers = new Headers(init?.headers);
        headers.set('authorization', `Bearer ${key}`);
        return fetch(input, { ...init, headers });
      },
    });
    const failures = (level: string) =>
      results
        .filter((r) => r.name.startsWith(`${level} `) && r.status !== 'ok')
        .map((r) => `${r.name}: ${'reason' in r ? r.reason : r.status}`);
    expect(results.filter((r) => r.name.startsWith('MUST ')).length).toBeGreaterThan(10);
    expect(failures('MUST'), failures('MUST').join('\n')).toEqual([]);
    expect(failures('SHOULD'), failures('SHOULD').join('\n')).toEqual([]);
  });
});
