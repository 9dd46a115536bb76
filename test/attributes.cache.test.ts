import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContact, createDefinition, mutate, run } from './attributes-helpers.js';
import { subscribeWs } from './event-clients.js';
import { startTestServer, type TestServer } from './harness.js';

/**
 * Each process keeps workspaces' attribute schemas in memory, and the API key lookup reads the
 * workspace's schema version: a request reads the schema again only when it changed — here or
 * in any other process sharing the database (a trigger bumps the version in the changing
 * transaction).
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

const FILTERED = `query($op: AttributeFilter!) {
  contacts(first: 5, filter: { attributes: [$op] }) { edges { cursor } } }`;

async function filtered(op: Record<string, unknown>) {
  return t.gql<{ contacts: { edges: { cursor: string }[] } }, { op: Record<string, unknown> }>(
    FILTERED,
    {
      op,
    },
  );
}

describe('the attribute schema cache', () => {
  it('reads the schema once, then only after a change, even one made outside this process', async () => {
    await createDefinition(t, { key: 'cached_code', name: 'Code', type: 'TEXT' });
    const read = () => t.countStatements(() => filtered({ key: 'cached_code', contains: 'x' }));
    // The key lookup and the page: the schema comes from the cache the creation filled.
    expect(await read()).toBe(2);
    expect(await read()).toBe(2);
    // Another process changes the definition: plain SQL, as its transaction would.
    await sql`update attribute_definitions set type = 'NUMBER', updated_at = now()
      where workspace_id = ${t.a.id} and key = 'cached_code'`.execute(t.database.db);
    const after = await filtered({ key: 'cached_code', contains: 'x' });
    expect(after.errors?.[0]?.message).toMatch(/does not apply to NUMBER/);
    expect((await filtered({ key: 'cached_code', gt: 1 })).errors).toBeUndefined();
    // A policy change bumps the version too: one re-read, then the cache serves again.
    await sql`update workspaces set unknown_attributes = 'REJECT' where id = ${t.a.id}`.execute(
      t.database.db,
    );
    const gt = () => t.countStatements(() => filtered({ key: 'cached_code', gt: 1 }));
    expect(await gt()).toBe(3);
    expect(await gt()).toBe(2);
    const { viewer } = await run<{ viewer: { workspace: { unknownAttributes: string } } }>(
      t,
      '{ viewer { workspace { unknownAttributes } } }',
    );
    expect(viewer.workspace.unknownAttributes).toBe('REJECT');
  });

  it('is per workspace: another workspace never gets this one', async () => {
    await createDefinition(t, { key: 'cached_tier', name: 'Tier', type: 'NUMBER' });
    const b = await t.gql<{ contacts: { edges: { cursor: string }[] } }, { op: object }>(
      FILTERED,
      { op: { key: 'cached_tier', contains: 'x' } },
      { key: t.b.keys.read },
    );
    // Untyped in B: `contains` is a JSON/text test there, not an error.
    expect(b.errors).toBeUndefined();
  });

  it('reaches open subscriptions: the next page of events uses the changed definition', async () => {
    const def = await createDefinition(t, { key: 'cached_sub', name: 'Sub', type: 'TEXT' });
    const { contactEvents } = await run<{ contactEvents: { headCursor: string } }>(
      t,
      '{ contactEvents(first: 0) { headCursor } }',
    );
    const query = `subscription($after: String) { contactEvents(after: $after) {
      contact { attributes { key definition { type } } } } }`;
    const sub = await subscribeWs(
      t.wsUrl,
      t.a.keys.read,
      { after: contactEvents.headCursor },
      { query },
    );
    const typeOf = (i: number) =>
      (
        sub.events[i] as unknown as {
          contact: { attributes: { key: string; definition: { type: string } | null }[] };
        }
      ).contact.attributes.find((a) => a.key === 'cached_sub')?.definition?.type;
    await createContact(t, { name: 'Subscribed', customAttributes: { cached_sub: '7' } });
    await sub.received(1);
    expect(typeOf(0)).toBe('TEXT');
    // The conversion rewrites "7" as 7: an event, executed with the definition as it is now.
    await mutate(
      t,
      'updateAttributeDefinition',
      'UpdateAttributeDefinitionInput',
      { id: def.id, type: 'NUMBER' },
      '__typename',
    );
    await sub.received(2);
    expect(typeOf(1)).toBe('NUMBER');
    await sub.close();
  });
});
