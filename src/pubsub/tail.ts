import type { StoredContactEvent } from '../db/contact-events.js';
import type { Logger } from '../logger.js';
import type { FanoutGroup } from './fanout.js';

export type TailStore = {
  after(
    seq: string,
    filter: Record<string, never>,
    limit: number,
  ): Promise<{ events: StoredContactEvent[]; head: string }>;
};

const MAX_PAGE = 500;
const RETRY_MS = 1000;
/** How long a tail waits for a group in which no member takes anything before reading on. */
const STALL_MS = 1000;

/**
 * Follows one workspace's stream in this process: on every wake-up it reads the events after
 * its position, one query for all subscribers, and hands each batch to every fan-out group.
 * It reads the next batch only when the groups have taken the last one and their fastest
 * subscribers have caught up, so a burst costs bounded memory and does not cut off anyone who
 * keeps up.
 */
export class WorkspaceTail {
  readonly groups = new Set<FanoutGroup<unknown>>();
  private reading = false;
  private again = false;
  private retry?: NodeJS.Timeout;
  private closed = false;

  constructor(
    readonly workspaceId: string,
    private readonly store: TailStore,
    /** Every event up to here has been handed to the groups. */
    public position: bigint,
    private readonly log: Logger,
    /** Subscribers' queue capacity: a page is at most half of it. */
    private readonly capacity: number,
  ) {
    this.page = Math.max(1, Math.min(MAX_PAGE, Math.floor(capacity / 2)));
  }

  private readonly page: number;

  /** New events may exist (up to `seq`, when the note said). Coalesces concurrent wake-ups. */
  wake(seq?: string): void {
    if (this.closed) return;
    if (seq !== undefined && BigInt(seq) <= this.position) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    void this.read();
  }

  private async read(): Promise<void> {
    this.reading = true;
    try {
      do {
        this.again = false;
        for (;;) {
          const { events } = await this.store.after(String(this.position), {}, this.page);
          if (this.closed || events.length === 0) break;
          // Let the consumers that keep up take the last batch before handing out the next.
          const half = Math.floor(this.capacity / 2);
          await Promise.all([...this.groups].map((g) => g.fastestCaughtUp(half, STALL_MS)));
          this.position = BigInt(events.at(-1)?.seq ?? this.position);
          await Promise.all([...this.groups].map((g) => g.dispatch(events)));
          if (events.length < this.page) break;
        }
      } while (this.again && !this.closed);
    } catch (error) {
      // The store is the truth: try again shortly from the same position.
      this.log.warn('event tail read failed; retrying', {
        workspaceId: this.workspaceId,
        error: error instanceof Error ? error.message : String(error),
      });
      clearTimeout(this.retry);
      this.retry = setTimeout(() => this.wake(), RETRY_MS);
      this.retry.unref();
    } finally {
      this.reading = false;
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
  }
}
