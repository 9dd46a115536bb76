import type { ContactEventFilter, StoredContactEvent } from '../db/contact-events.js';

/** What a subscriber receives in place of the events it could not keep up with. */
export class SubscriberTooSlow {
  constructor(
    /** The last event delivered before the cut: resume after it. */
    readonly lastDeliveredSeq: string,
  ) {}
}

export type Replay = {
  /** Events after `seq` matching the filter, with the head the same snapshot saw. */
  read(
    seq: string,
    filter: ContactEventFilter,
    limit: number,
  ): Promise<{ events: StoredContactEvent[]; head: string }>;
};

export type SubscriberOptions<T> = {
  filter: ContactEventFilter;
  /** Undelivered items allowed before the subscriber is cut off as too slow. */
  capacity: number;
  /** Turns an event (or the too-slow marker) into what the consumer receives. */
  transform: (event: StoredContactEvent | SubscriberTooSlow) => T | Promise<T>;
  /** Called once when the subscriber is cut off (e.g. to close its WebSocket with a code). */
  onCutOff?: (marker: SubscriberTooSlow) => void;
  /** Called once when the consumer stops, so the group can forget it. */
  onClose: () => void;
};

const REPLAY_PAGE = 200;

/**
 * One consumer of a workspace's stream: replays from storage after its cursor, then receives
 * live items from its fan-out group, never one twice and never one skipped (positions are
 * gap-free sequence numbers). Its queue is bounded: overflow cuts it off instead of growing.
 */
export class Subscriber<T> implements AsyncIterableIterator<T> {
  /** Highest sequence number queued or skipped by the filter. */
  private position = 0n;
  private delivered = '0';
  private readonly queue: { seq: string; item: Promise<T> }[] = [];
  private waiter?: () => void;
  private live = false;
  private finished = false;
  private cut = false;
  private failure?: unknown;

  constructor(private readonly options: SubscriberOptions<T>) {}

  /**
   * Starts at `position` (events after it). Replays from `replay` until it has caught up with
   * `livePosition()`, then calls `join()`, in the same tick as the last check, so no live event
   * can fall between the two.
   */
  start(position: string, replay: Replay, livePosition: () => bigint, join: () => void): void {
    this.position = BigInt(position);
    this.delivered = position;
    this.replay(replay, livePosition, join).catch((error: unknown) => this.fail(error));
  }

  private async replay(replay: Replay, livePosition: () => bigint, join: () => void) {
    for (;;) {
      if (this.finished) return;
      if (this.position >= livePosition()) {
        this.live = true;
        join();
        return;
      }
      // Pull-driven: read the next page only when the consumer has room for it.
      await this.whenBacklogAtMost(this.options.capacity - 1);
      const limit = Math.min(REPLAY_PAGE, this.options.capacity - this.queue.length);
      const { events, head } = await replay.read(String(this.position), this.options.filter, limit);
      for (const event of events) this.enqueue(event.seq, event);
      const scanned = events.length < limit ? BigInt(head) : BigInt(events.at(-1)?.seq ?? head);
      if (scanned > this.position) this.position = scanned;
    }
  }

  /** A live event from the group (already filtered); older ones were replayed. */
  push(seq: string, item: Promise<T>): void {
    if (!this.live || this.finished || this.cut) return;
    const n = BigInt(seq);
    if (n <= this.position) return;
    this.position = n;
    if (this.queue.length >= this.options.capacity) {
      this.cutOff();
      return;
    }
    this.queue.push({ seq, item });
    this.wake();
  }

  private enqueue(seq: string, event: StoredContactEvent) {
    this.queue.push({ seq, item: Promise.resolve(this.options.transform(event)) });
    this.wake();
  }

  private cutOff() {
    this.cut = true;
    this.queue.length = 0;
    const marker = new SubscriberTooSlow(this.delivered);
    this.queue.push({ seq: this.delivered, item: Promise.resolve(this.options.transform(marker)) });
    this.options.onCutOff?.(marker);
    this.wake();
  }

  private wake() {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  private backlogWaiters: { limit: number; resolve: () => void }[] = [];

  /** Not cut off and not ended (it may still be replaying). */
  get active(): boolean {
    return !this.cut && !this.finished;
  }

  /** Still taking live events (not cut off, not ended). */
  get receiving(): boolean {
    return this.live && !this.cut && !this.finished;
  }

  /** Items the consumer has taken so far. */
  taken = 0;

  /** Resolves once the consumer has taken enough that at most `limit` items wait (or it ended). */
  whenBacklogAtMost(limit: number): Promise<void> {
    if (this.queue.length <= limit || this.finished) return Promise.resolve();
    return new Promise((resolve) => this.backlogWaiters.push({ limit, resolve }));
  }

  private settleBacklogWaiters() {
    if (this.backlogWaiters.length === 0) return;
    const still: typeof this.backlogWaiters = [];
    for (const w of this.backlogWaiters) {
      if (this.finished || this.queue.length <= w.limit) w.resolve();
      else still.push(w);
    }
    this.backlogWaiters = still;
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      const head = this.queue.shift();
      if (head) {
        this.taken += 1;
        this.settleBacklogWaiters();
        const value = await head.item;
        if (this.cut && this.queue.length === 0) this.finish();
        else this.delivered = head.seq;
        return { done: false, value };
      }
      if (this.finished) return { done: true, value: undefined };
      if (this.failure) {
        this.finish();
        throw this.failure;
      }
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  /** The stream could not start (e.g. the database is down): the consumer gets the error. */
  fail(error: unknown): void {
    this.failure = error;
    this.wake();
  }

  /**
   * Breaks the stream from the server side (shutdown): the consumer gets an error, not a
   * completion, so a client reconnects and resumes instead of thinking the stream is over.
   */
  abort(reason: Error): void {
    this.queue.length = 0;
    this.fail(reason);
  }

  /** Ends the stream (the consumer stopped): it completes. */
  end(): void {
    this.finish();
    this.queue.length = 0;
    this.wake();
  }

  async return(): Promise<IteratorResult<T>> {
    this.end();
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<T>> {
    this.end();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish() {
    if (this.finished) return;
    this.finished = true;
    this.settleBacklogWaiters();
    this.options.onClose();
  }
}
