/**
 * The event bus only wakes readers up: "workspace W may have new events (up to seq S)". The
 * `contact_events` table is the truth, so a lost or duplicated note can delay a delivery but
 * never drop or repeat one. Notes carry ids only.
 */
export type EventNote = {
  workspaceId: string;
  /** The highest sequence number the writer committed, when it knows it. */
  seq?: string;
};

export type EventBusHandlers = {
  /** A note from any process sharing the database (this one included). */
  note(note: EventNote): void;
  /**
   * The listener (re)connected: notes sent while it was away are lost, so every reader should
   * re-read the store from its last delivered position.
   */
  resync(): void;
};

export type EventBusKind = 'memory' | 'postgres' | 'redis';

export interface EventBus {
  readonly kind: EventBusKind;
  /**
   * Called after every committed write transaction of `workspaceId`. The postgres bus ignores
   * it: the outbox trigger already sent a NOTIFY, which PostgreSQL delivers at commit.
   */
  announce(note: EventNote): void;
  listen(handlers: EventBusHandlers): () => void;
  close(): Promise<void>;
}

/** The LISTEN/NOTIFY channel the outbox trigger notifies (see the events migration). */
export const POSTGRES_CHANNEL = 'contactgraph_events';
