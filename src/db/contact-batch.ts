import { type ControlledTransaction, type Kysely, sql } from 'kysely';
import { withoutNulls } from './attributes.js';
import { type Violation, violationOf } from './constraints.js';
import type { ContactWrite } from './contact-writes.js';
import { CONTACT_COLUMNS, contactsRepository } from './contacts.js';
import type { Contact, Database } from './schema.js';
import { WorkspaceScope } from './scope.js';

/** One validated upsert of a batch: external IDs are unique within the batch. */
export type BatchUpsert = { write: ContactWrite & { externalId: string }; labelIds: string[] };

/** Why a written item must not stay (e.g. a required attribute it lacks), per input path. */
export type BatchRefusal = { path: string[]; message: string }[];

/**
 * Checks an item against the row it produced, inside the transaction; a refusal undoes that
 * item alone (the rows a statement returns are the contacts as they will be).
 */
export type BatchCheck = (
  written: { contact: Contact; created: boolean },
  item: BatchUpsert,
) => BatchRefusal | undefined;

/** What happened to one item: written, or refused (nothing of it was written). */
export type BatchOutcome =
  | { ok: true; contact: Contact; created: boolean }
  | { ok: false; violation: Violation; holderId: string | null }
  | { ok: false; violation?: undefined; refusal: BatchRefusal };

/** Thrown inside an item's savepoint to undo it when its check refuses it. */
class Refused extends Error {
  constructor(readonly refusal: BatchRefusal) {
    super('refused by the batch check');
  }
}

type Trx = ControlledTransaction<Database>;

/** Items sharing the same set of given fields (and kind of attributes change) share a statement. */
function shapeOf(write: ContactWrite): string {
  const keys = Object.keys(write)
    .filter((k) => (write as Record<string, unknown>)[k] !== undefined)
    .sort();
  const attributes = write.customAttributes;
  return `${keys.join(',')}|${attributes === undefined ? '' : attributes === null ? 'clear' : 'merge'}`;
}

/**
 * Upserts many contacts by external ID in one transaction: one multi-row
 * `INSERT … ON CONFLICT … DO UPDATE` per shape of input; when a statement hits a unique or
 * foreign-key violation, that shape is retried item by item under savepoints, so each bad item
 * is refused on its own and the good ones are written.
 */
export function contactBatch(scope: WorkspaceScope) {
  const workspaceId = scope.workspaceId;

  function insertStatement(trx: Kysely<Database>, items: BatchUpsert[]) {
    const first = items[0]?.write as ContactWrite;
    const columns = Object.keys(first).filter(
      (k) => k !== 'customAttributes' && (first as Record<string, unknown>)[k] !== undefined,
    ) as (keyof ContactWrite)[];
    const attributes = first.customAttributes;
    // Keys a patch removes (given as null), by external ID: EXCLUDED only carries the columns.
    const removed: Record<string, string[]> = {};
    if (attributes) {
      for (const { write } of items) {
        const keys = Object.entries(write.customAttributes ?? {})
          .filter(([, v]) => v === null)
          .map(([k]) => k);
        if (keys.length > 0) removed[write.externalId] = keys;
      }
    }
    const rows = items.map(({ write }) => {
      const row: Record<string, unknown> = { workspaceId };
      for (const c of columns) row[c] = write[c];
      row.customAttributes = JSON.stringify(withoutNulls(write.customAttributes ?? {}));
      return row;
    });
    const set: Record<string, unknown> = {};
    for (const c of columns) set[c] = sql.ref(`excluded.${c}`);
    if (attributes === null) set.customAttributes = sql`'{}'::jsonb`;
    else if (attributes !== undefined) {
      set.customAttributes =
        Object.keys(removed).length === 0
          ? sql`contacts.custom_attributes || excluded.custom_attributes`
          : sql`(contacts.custom_attributes || excluded.custom_attributes) - coalesce(array(select jsonb_array_elements_text(cast(${JSON.stringify(removed)} as jsonb) -> excluded.external_id)), '{}')`;
    }
    set.updatedAt = sql`now()`;
    return (
      trx
        .insertInto('contacts')
        // biome-ignore lint/suspicious/noExplicitAny: columns vary by shape; values are validated.
        .values(rows as any)
        .onConflict((oc) =>
          oc
            .columns(['workspaceId', 'externalId'])
            .where('deletedAt', 'is', null)
            // biome-ignore lint/suspicious/noExplicitAny: raw SQL values (excluded, jsonb merge, now()).
            .doUpdateSet(set as any),
        )
        .returning([...CONTACT_COLUMNS, sql<boolean>`(xmax = 0)`.as('created')])
    );
  }

  async function addLabels(trx: Kysely<Database>, pairs: [string, string][]) {
    if (pairs.length === 0) return;
    await sql`insert into contact_labels (workspace_id, contact_id, label_id)
      select ${workspaceId}, c, l
      from unnest(${pairs.map((p) => p[0])}::bigint[], ${pairs.map((p) => p[1])}::bigint[]) as t(c, l)
      on conflict do nothing`.execute(trx);
  }

  /** Writes `items` (contacts, then their labels); throws what the database refused. */
  async function write(trx: Kysely<Database>, items: BatchUpsert[]) {
    const rows = await insertStatement(trx, items).execute();
    const byExternalId = new Map(rows.map((r) => [r.externalId, r]));
    const written = items.map((item) => {
      const row = byExternalId.get(item.write.externalId);
      if (!row) throw new Error(`upsert returned no row for ${item.write.externalId}`);
      const { created, ...contact } = row;
      return { contact: contact as Contact, created: created as boolean };
    });
    const pairs: [string, string][] = [];
    items.forEach((item, i) => {
      const id = written[i]?.contact.id as string;
      for (const labelId of new Set(item.labelIds)) pairs.push([id, labelId]);
    });
    await addLabels(trx, pairs);
    return written;
  }

  async function refused(trx: Trx, item: BatchUpsert, violation: Violation) {
    const field = violation.field as 'email' | 'phone' | 'externalId';
    const value = violation.kind === 'unique' ? item.write[field] : undefined;
    if (typeof value !== 'string') return null;
    const holder = await contactsRepository(new WorkspaceScope(trx, workspaceId)).find({
      [field]: value,
    });
    return holder?.id ?? null;
  }

  return {
    /**
     * `beforeWrite` runs first inside the transaction (the caller holds what its validation
     * depends on: the attribute schema).
     */
    async upsertMany(
      items: readonly BatchUpsert[],
      check?: BatchCheck,
      beforeWrite?: (trx: Kysely<Database>) => Promise<void>,
    ): Promise<BatchOutcome[]> {
      const outcomes: BatchOutcome[] = new Array(items.length);
      const groups = new Map<string, number[]>();
      items.forEach((item, i) => {
        const shape = shapeOf(item.write);
        const group = groups.get(shape);
        if (group) group.push(i);
        else groups.set(shape, [i]);
      });
      const trx = await scope.db.startTransaction().execute();
      try {
        await beforeWrite?.(trx);
        for (const indexes of groups.values()) {
          const group = indexes.map((i) => items[i] as BatchUpsert);
          const sp = await trx.savepoint('batch').execute();
          try {
            const written = await write(sp, group);
            const refusals = check ? written.map((w, j) => check(w, group[j] as BatchUpsert)) : [];
            // Some item is refused: undo the group and write it item by item, as on a violation.
            if (refusals.some((r) => r !== undefined)) throw new Refused([]);
            await sp.releaseSavepoint('batch').execute();
            written.forEach((w, j) => {
              outcomes[indexes[j] as number] = { ok: true, ...w };
            });
            continue;
          } catch (error) {
            if (!violationOf(error) && !(error instanceof Refused)) throw error;
            await sp.rollbackToSavepoint('batch').execute();
          }
          // Item by item: each under its own savepoint, so one refusal leaves the rest.
          for (const i of indexes) {
            const item = items[i] as BatchUpsert;
            const one = await trx.savepoint('item').execute();
            try {
              const [w] = (await write(one, [item])) as [{ contact: Contact; created: boolean }];
              const refusal = check?.(w, item);
              if (refusal) throw new Refused(refusal);
              await one.releaseSavepoint('item').execute();
              outcomes[i] = { ok: true, ...w };
            } catch (error) {
              if (error instanceof Refused) {
                await one.rollbackToSavepoint('item').execute();
                outcomes[i] = { ok: false, refusal: error.refusal };
                continue;
              }
              const violation = violationOf(error);
              if (!violation) throw error;
              await one.rollbackToSavepoint('item').execute();
              outcomes[i] = { ok: false, violation, holderId: await refused(trx, item, violation) };
            }
          }
        }
        await trx.commit().execute();
      } catch (error) {
        await trx.rollback().execute();
        throw error;
      }
      return outcomes;
    },
  };
}
