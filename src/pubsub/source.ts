import type { StoredContactEvent } from '../db/contact-events.js';
import type { Transform } from './fanout.js';
import type { ContactEventStream, SubscribeRequest } from './stream.js';
import type { Subscriber, SubscriberTooSlow } from './subscriber.js';

/**
 * What `Subscription.contactEvents` returns: a stream not yet started. Iterated directly (the
 * GraphQL default), each subscriber gets raw events and executes its selection per event;
 * `grouped` shares one execution per event among identical subscriptions instead.
 */
export class ContactEventSource implements AsyncIterable<StoredContactEvent | SubscriberTooSlow> {
  constructor(
    private readonly stream: ContactEventStream,
    private readonly request: Omit<SubscribeRequest<unknown>, 'transform' | 'groupKey'>,
  ) {}

  [Symbol.asyncIterator](): Subscriber<StoredContactEvent | SubscriberTooSlow> {
    return this.stream.subscribe({ ...this.request, transform: (event) => event });
  }

  grouped<T>(groupKey: string, transform: Transform<T>): Subscriber<T> {
    return this.stream.subscribe({ ...this.request, groupKey, transform });
  }
}
