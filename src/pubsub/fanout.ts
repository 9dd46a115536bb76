import { GraphQLError } from 'graphql';
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
    /**
     * For filters memory cannot decide (a segment): which of a page's events pass, asked of
     * the database once per page.
     */
    private readonly select?: (events: StoredContactEvent[]) => Promise<Set<string>>,
  ) {}

  /**
   * Resolves when the group's fastest member has taken its backlog down to `limit`, or when no
   * member has taken anything for `stallMs`: the tail paces itself by the fastest consumer, so
   * a burst from storage does not overflow subscribers that keep up, while one that lags far
   * behind the others is still cut off, and a group of stuck members holds nobody up for long.
   * Stalls are counted in quarter steps, so one long pause of the whole process (a big
   * transaction on the embedded database) is not mistaken for stuck consumers.
   */
  async fastestCaughtUp(limit: number, stallMs: number): Promise<void> {
    // A member that was cut off (its socket not yet closed) no longer sets the pace.
    const members = [...this.members].filter((m) => m.receiving);
    if (members.length === 0) return;
    let caughtUp = false;
    const done = Promise.race(members.map((m) => m.whenBacklogAtMost(limit))).then(() => {
      caughtUp = true;
    });
    const taken = () => members.reduce((sum, m) => sum + m.taken, 0);
    let last = taken();
    let quietSteps = 0;
    const step = stallMs / 4;
    while (!caughtUp && quietSteps < 4) {
      let timer: NodeJS.Timeout | undefined;
      const started = performance.now();
      await Promise.race([done, new Promise((r) => (timer = setTimeout(r, step)))]);
      clearTimeout(timer);
      const now = taken();
      // A step that overran was the process being busy, not the consumers being stuck.
      const busy = performance.now() - started > step * 1.5;
      quietSteps = now !== last ? 0 : busy ? quietSteps : quietSteps + 1;
      last = now;
    }
  }

  /**
   * Starts transforming the batch's matching events now; delivers them in order. The tail
   * awaits each batch before handing out the next, so an SQL selection keeps the order.
   */
  async dispatch(events: readonly StoredContactEvent[]): Promise<void> {
    let matching = events.filter((e) => eventMatches(e, this.filter));
    if (matching.length > 0 && this.select) {
      let selected: Set<string>;
      try {
        selected = await selectWithRetry(this.select, matching);
      } catch {
        // The tail has moved on: break the members' streams so their clients resume from
        // their last cursor (replayed from storage) instead of silently missing this page.
        for (const member of this.members) member.abort(INTERRUPTED);
        return this.chain;
      }
      matching = matching.filter((e) => selected.has(e.seq));
    }
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

const SELECT_ATTEMPTS = 3;

const INTERRUPTED = new GraphQLError(
  'The event stream was interrupted: reconnect and resume from your last cursor',
  { extensions: { code: 'STREAM_INTERRUPTED' } },
);

/** A failed selection (the database briefly unreachable) is tried again before giving up. */
async function selectWithRetry(
  select: (events: StoredContactEvent[]) => Promise<Set<string>>,
  events: StoredContactEvent[],
): Promise<Set<string>> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await select(events);
    } catch (error) {
      if (attempt >= SELECT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}
