import { type Kysely, sql } from 'kysely';

/**
 * Messages of a conversation. Same conventions as the initial migration: `workspace_id` with a
 * unique `(workspace_id, id)`, and a composite foreign key so a message cannot point at another
 * workspace's conversation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `create table messages (
      id bigint generated always as identity primary key,
      workspace_id bigint not null references workspaces (id) on delete cascade,
      conversation_id bigint not null,
      direction text not null check (direction in ('INCOMING', 'OUTGOING')),
      body text not null check (length(body) between 1 and 10000),
      created_at timestamptz(3) not null default now(),
      unique (workspace_id, id),
      foreign key (workspace_id, conversation_id)
        references conversations (workspace_id, id) on delete cascade
    )`,
    // Keyset index of `Conversation.messages`: oldest first, either direction.
    'create index messages_conversation_order on messages (workspace_id, conversation_id, created_at, id)',
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('drop table messages').execute(db);
}
