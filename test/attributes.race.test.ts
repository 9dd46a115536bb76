import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createContact,
  createDefinition,
  errorPaths,
  getContact,
  updateContact,
  upsertContacts,
} from './attributes-helpers.js';
import { startTestServer, type TestServer } from './harness.js';

/**
 * A contact write validated against a definition that changes before the write commits: the
 * write waits for the change and validates again, so no value of the old form is stored under
 * the new type. PostgreSQL only: it takes two connections at once.
 */
const onPostgres = Boolean(process.env.DATABASE_URL);

describe.skipIf(!onPostgres)('attribute schema changes racing contact writes', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A definition change in progress on its own connection, the way the API makes one. */
  async function changeInProgress(key: string, type: string) {
    const client = await t.database.pool.connect();
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock($1, $2::int)', [0x63676174, t.a.id]);
    await client.query(
      'update attribute_definitions set type = $1, updated_at = now() where workspace_id = $2 and key = $3',
      [type, t.a.id, key],
    );
    return {
      commit: async () => {
        await client.query('commit');
        client.release();
      },
    };
  }

  it('validates an update again when the type changed while it waited', async () => {
    await createDefinition(t, { key: 'race_score', name: 'Score', type: 'TEXT' });
    const created = await createContact(t, {
      name: 'Racer',
      customAttributes: { race_score: 'x' },
    });
    const id = (created.contact as { id: string }).id;
    const change = await changeInProgress('race_score', 'NUMBER');
    // "abc" is good TEXT when the mutation reads the schema; it then waits for the change.
    const pending = updateContact(t, { id, customAttributes: { race_score: 'abc' } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await change.commit();
    expect(errorPaths(await pending)).toEqual(['customAttributes.race_score']);
    expect((await getContact(t, id))?.customAttributes).toEqual({ race_score: 'x' });
  });

  it('normalizes to the new type when the value converts', async () => {
    await createDefinition(t, { key: 'race_amount', name: 'Amount', type: 'TEXT' });
    const change = await changeInProgress('race_amount', 'NUMBER');
    const pending = upsertContacts(t, [
      { externalId: 'race-1', customAttributes: { race_amount: '42' } },
      { externalId: 'race-2', customAttributes: { race_amount: 'many' } },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await change.commit();
    const [good, bad] = await pending;
    expect(good?.contact?.customAttributes).toEqual({ race_amount: 42 });
    expect(bad?.contact).toBeNull();
    expect(errorPaths(bad?.error as never)).toEqual(['contacts.1.customAttributes.race_amount']);
    const stored = await t.database.pool.query(
      "select custom_attributes from contacts where workspace_id = $1 and external_id like 'race-%'",
      [t.a.id],
    );
    expect(stored.rows.map((r) => r.custom_attributes)).toEqual([{ race_amount: 42 }]);
  });
});
