import {
  type ContactEventFilter,
  eventMatches,
  type StoredContactEvent,
} from '../db/contact-events.js';
import type { Subscriber, SubscriberTooSlow } from './subscriber.js';

export type Transform<T> = (event: StoredContactEvent | SubscriberTooSlow) => T | Promise<T>;

/**
 * Subscribers whose results cannot differ (same document, variables, workspace and scopes):
 * each live event is transformed (executed) once for all of them, and the one result is handed
 * to every member. Members that are still replaying are not in the group yet.
 */
export class FanoutGroup<T> {
  readonly members = new Set<Subscriber<T>>();
  /** Results are handed out in sequence order, one batch after the other. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly key: string,
    readonly filter: ContactEventFilter,
    readonly transform: Transform<T>,
  ) {}

  /** Starts transforming the batch's matching events now; delivers them in order. */
  dispatch(events: readonly StoredContactEvent[]): Promise<void> {
    const matching = events.filter((e) => eventMatches(e, this.filter));
    if (matching.length === 0) return this.chain;
    const results = matching.map((event) => ({
      seq: event.seq,
      item: Promise.resolve().then(() => this.transform(event)),
    }));
    // A rejected transform is delivered as the rejection; it must not stop later batches.
    for (const r of results) r.item.catch(() => undefined);
    this.chain = this.chain.then(async () => {
      for (const { seq, item } of results) {
        await item.catch(() => undefined);
        for (const member of this.members) member.push(seq, item);
      }
    });
    return this.chain;
  }
}
