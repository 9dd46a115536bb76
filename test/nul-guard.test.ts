import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

describe('input with NUL characters', () => {
  it('is refused in a variable of any field, naming its path', async () => {
    const response = await t.gql(
      'query ($search: String) { labels(search: $search) { totalCount } }',
      { search: 'vip\u0000' },
    );
    expect(response.data ?? null).toBeNull();
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'search',
    });
  });

  it('is refused in a literal argument, naming the argument path', async () => {
    const response = await t.gql(
      'query { organizations(filter: { name: { contains: "a\\u0000b" } }) { totalCount } }',
    );
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'filter.name.contains',
    });
  });

  it('lets ordinary text through', async () => {
    const response = await t.gql('query { organizations(search: "acme") { totalCount } }');
    expect(response.errors).toBeUndefined();
  });
});
