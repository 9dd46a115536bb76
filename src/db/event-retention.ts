import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';

/**
 * The retention policy: deletes contact events older than `before`, in every workspace, a
 * batch at a time (short transactions, no long lock on the outbox), and records per workspace
 * how far it deleted, so a client resuming from a deleted position is told instead of silently
 * skipping events. Maintenance across workspaces, so it is not scoped to one.
 */
export async function pruneContactEvents(
  db: Kysely<Database>,
  before: Date,
  batchSize = 10_000,
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      with doomed as (
        select workspace_id, seq from contact_events
        where occurred_at < ${before}
        order by occurred_at limit ${batchSize}
      ), gone as (
        delete from contact_events e using doomed d
        where e.workspace_id = d.workspace_id and e.seq = d.seq
        returning e.workspace_id, e.seq
      ), marked as (
        update event_sequences s set pruned_through = greatest(s.pruned_through, g.top)
        from (select workspace_id, max(seq) as top from gone group by workspace_id) g
        where s.workspace_id = g.workspace_id
        returning 1
      )
      select (select count(*) from gone)::int as n`.execute(db);
    const n = rows[0]?.n ?? 0;
    deleted += n;
    if (n < batchSize) return deleted;
  }
}
