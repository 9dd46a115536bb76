import type { StoredContactEvent } from '../db/contact-events.js';
import type { Transform } from './fanout.js';
import type { ContactEventStream, SubscribeRequest } from './stream.js';
import type { Subscriber, SubscriberTooSlow } from './subscriber.js';

/**
 * What `Subscription.contactEvents` returns: a stream not yet started. Iterated directly (the
 * GraphQL default), it yields raw events for graphql-js to execute; the server's plugin
 * (`useContactEventExecution`) calls `subscribe` with its own per-event execution instead.
 */
export class ContactEventSource implements AsyncIterable<StoredContactEvent | SubscriberTooSlow> {
  constructor(
    private readonly stream: ContactEventStream,
    private readonly request: Omit<SubscribeRequest<unknown>, 'transform' | 'groupKey'>,
  ) {}

  [Symbol.asyncIterator](): Subscriber<StoredContactEvent | SubscriberTooSlow> {
    return this.stream.subscribe({ ...this.request, transform: (event) => event });
  }

  /** Subscribers with the same `groupKey` share each event's transform; none: its own. */
  subscribe<T>(groupKey: string | undefined, transform: Transform<T>): Subscriber<T> {
    return this.stream.subscribe({ ...this.request, groupKey, transform });
  }
}
