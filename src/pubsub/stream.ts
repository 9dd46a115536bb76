import { GraphQLError } from 'graphql';
import type { Kysely } from 'kysely';
import type { EventsConfig } from '../config.js';
import { type ContactEventFilter, contactEventsRepository } from '../db/contact-events.js';
import type { Database } from '../db/schema.js';
import { WorkspaceScope } from '../db/scope.js';
import type { Logger } from '../logger.js';
import type { EventBus } from './bus.js';
import { FanoutGroup, type Transform } from './fanout.js';
import { Subscriber, type SubscriberTooSlow } from './subscriber.js';
import { WorkspaceTail } from './tail.js';

export type SubscribeRequest<T> = {
  workspaceId: string;
  /** Replay the events after this sequence number first; without it the stream starts now. */
  after?: string;
  filter: ContactEventFilter;
  /**
   * Subscribers with the same key share one transform per event. Leave it out and the
   * subscriber gets a group of its own.
   */
  groupKey?: string;
  transform: Transform<T>;
  onCutOff?: (marker: SubscriberTooSlow) => void;
  /** At shutdown, before the stream breaks off: drop the client's connection (see close()). */
  onShutdown?: () => void;
  /** The API key it was opened with: revoking the key ends the stream (see endForKeys()). */
  keyId?: string;
};

type TailEntry = { tail: Promise<WorkspaceTail>; subscribers: number };

/**
 * The contact event stream of this process: one tail per workspace anyone subscribes to, fan-out
 * groups under it, and the bus that wakes the tails. Every process sharing the database runs
 * its own and delivers the same stream.
 */
export class ContactEventStream {
  private readonly tails = new Map<string, TailEntry>();
  private readonly groups = new Map<string, FanoutGroup<unknown>>();
  /** Every subscriber, with its key and what drops its connection at shutdown. */
  private readonly subscribers = new Map<
    Subscriber<unknown>,
    { keyId?: string; onShutdown?: () => void }
  >();
  private readonly stopListening: () => void;
  private readonly poll: NodeJS.Timeout;
  private ungroupedKeys = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly bus: EventBus,
    private readonly config: EventsConfig,
    private readonly log: Logger,
  ) {
    this.stopListening = bus.listen({
      note: (note) => void this.tails.get(note.workspaceId)?.tail.then((t) => t.wake(note.seq)),
      resync: () => this.wakeAll(),
    });
    // A lost wake-up delays delivery by at most one poll; it never drops an event.
    this.poll = setInterval(() => this.wakeAll(), config.pollMs);
    this.poll.unref();
  }

  /** Tell the other processes (and this one) that a write committed in `workspaceId`. */
  announce(workspaceId: string): void {
    this.bus.announce({ workspaceId });
  }

  subscribe<T>(request: SubscribeRequest<T>): Subscriber<T> {
    const store = contactEventsRepository(new WorkspaceScope(this.db, request.workspaceId));
    const entry = this.tailEntry(request.workspaceId);
    entry.subscribers += 1;
    const key = `${request.workspaceId}\u0000${request.groupKey ?? `solo:${++this.ungroupedKeys}`}`;
    let group: FanoutGroup<T> | undefined;
    const subscriber: Subscriber<T> = new Subscriber<T>({
      filter: request.filter,
      capacity: this.config.bufferSize,
      transform: request.transform,
      onCutOff: request.onCutOff,
      onClose: () => {
        this.subscribers.delete(subscriber as Subscriber<unknown>);
        if (group) {
          group.members.delete(subscriber);
          if (group.members.size === 0) {
            this.groups.delete(key);
            void entry.tail.then((t) => t.groups.delete(group as FanoutGroup<unknown>));
          }
        }
        entry.subscribers -= 1;
        if (entry.subscribers === 0 && this.tails.get(request.workspaceId) === entry) {
          this.tails.delete(request.workspaceId);
          void entry.tail.then((t) => t.close());
        }
      },
    });
    this.subscribers.set(subscriber as Subscriber<unknown>, {
      keyId: request.keyId,
      onShutdown: request.onShutdown,
    });
    void Promise.all([entry.tail, request.after ?? store.head()]).then(
      ([tail, position]) =>
        subscriber.start(
          position,
          { read: (seq, filter, limit) => store.after(seq, filter, limit) },
          () => tail.position,
          () => {
            group = this.groups.get(key) as FanoutGroup<T> | undefined;
            if (!group) {
              const filter = request.filter;
              group = new FanoutGroup<T>(
                key,
                filter,
                request.transform,
                filter.segment
                  ? (events) =>
                      store.selectMatching(
                        events.map((e) => e.seq),
                        filter,
                      )
                  : undefined,
              );
              this.groups.set(key, group as FanoutGroup<unknown>);
            }
            group.members.add(subscriber);
            tail.groups.add(group as FanoutGroup<unknown>);
          },
        ),
      (error: unknown) => subscriber.fail(error),
    );
    return subscriber;
  }

  private tailEntry(workspaceId: string): TailEntry {
    let entry = this.tails.get(workspaceId);
    if (!entry) {
      const store = contactEventsRepository(new WorkspaceScope(this.db, workspaceId));
      entry = {
        subscribers: 0,
        tail: store
          .head()
          .then(
            (head) =>
              new WorkspaceTail(workspaceId, store, BigInt(head), this.log, this.config.bufferSize),
          ),
      };
      // A failed start is retried by the next subscriber, not cached.
      const created = entry;
      created.tail.catch(() => {
        if (this.tails.get(workspaceId) === created) this.tails.delete(workspaceId);
      });
      this.tails.set(workspaceId, entry);
    }
    return entry;
  }

  private wakeAll() {
    for (const entry of this.tails.values())
      void entry.tail.then(
        (t) => t.wake(),
        () => undefined,
      );
  }

  /** The keys streams are open with now. */
  keyIds(): string[] {
    const ids = new Set<string>();
    for (const { keyId } of this.subscribers.values()) if (keyId) ids.add(keyId);
    return [...ids];
  }

  /** Ends every stream opened with one of these (revoked) keys, with a FORBIDDEN error. */
  endForKeys(keyIds: ReadonlySet<string>): void {
    const revoked = new GraphQLError('Forbidden: the API key was revoked', {
      extensions: { code: 'FORBIDDEN' },
    });
    for (const [subscriber, { keyId }] of [...this.subscribers]) {
      if (keyId && keyIds.has(keyId)) subscriber.abort(revoked);
    }
  }

  /** Numbers for tests and the benchmark. */
  stats() {
    const active = [...this.subscribers.keys()].filter((s) => s.active).length;
    return { tails: this.tails.size, groups: this.groups.size, subscribers: active };
  }

  /**
   * Shutdown: every subscriber's connection is dropped and its stream broken off, never
   * completed (a completed stream tells a client there is nothing more to wait for), so clients
   * reconnect and resume elsewhere from their cursor.
   */
  async close(): Promise<void> {
    clearInterval(this.poll);
    this.stopListening();
    const shutdown = new GraphQLError(
      'Server shutting down: reconnect and resume from your last cursor',
      { extensions: { code: 'SHUTTING_DOWN' } },
    );
    for (const [subscriber, { onShutdown }] of [...this.subscribers]) {
      onShutdown?.();
      subscriber.abort(shutdown);
    }
    for (const entry of this.tails.values())
      void entry.tail.then(
        (t) => t.close(),
        () => undefined,
      );
    this.tails.clear();
    await this.bus.close();
  }
}
