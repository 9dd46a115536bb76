import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * What every subscriber selects. `changes.after` of `customAttributes` carries the `sentAt`
 * the driver put in (Date.now() when it sent the mutation), so latency is computed on receipt.
 */
export const EVENTS_SUBSCRIPTION =
  'subscription BenchEvents { contactEvents { cursor type contactId changes { field after } } }';

export type FleetSettings = { wsUrl: string; apiKey: string; count: number };

/** What the fleet saw in one window: every latency (ms) and the deliveries outside it. */
export type WindowResult = {
  latenciesMs: Float64Array;
  /** Deliveries in the window without a readable `sentAt` (e.g. other writes). */
  unstamped: number;
  errors: number;
  /** Close codes of sockets that closed in the window (4008: too slow, cut off). */
  closes: Record<string, number>;
};

/** `received`: deliveries since the start, in or out of windows. */
export type FleetState = { connected: number; primed: number; open: number; received: number };

type Change = { field: string; after: unknown };
type Payload = { data?: { contactEvents?: { changes?: Change[] } }; errors?: unknown[] };

/** `sentAt` from the event's customAttributes change, when there is one. */
function sentAtOf(payload: Payload): number | undefined {
  const changes = payload.data?.contactEvents?.changes;
  if (!changes) return undefined;
  for (const change of changes) {
    if (change.field !== 'customAttributes') continue;
    const after = change.after as { sentAt?: unknown } | null;
    return typeof after?.sentAt === 'number' ? after.sentAt : undefined;
  }
  return undefined;
}

/**
 * `count` real graphql-ws clients (one socket, one subscription each) in this thread. Counting
 * happens in windows: `startWindow` resets, `endWindow` hands back what arrived since.
 */
export class SubscriberFleet {
  private readonly clients: Client[] = [];
  private readonly disposers: (() => void)[] = [];
  private readonly primed: boolean[] = [];
  private primedCount = 0;
  private connected = 0;
  private open = 0;
  private total = 0;
  private latencies = new Float64Array(1 << 16);
  private n = 0;
  private unstamped = 0;
  private errors = 0;
  private closes: Record<string, number> = {};

  constructor(private readonly settings: FleetSettings) {}

  /** Connects every client (a few at a time) and subscribes; resolves once all acked. */
  async connect(): Promise<void> {
    const { count } = this.settings;
    const batch = 50;
    for (let start = 0; start < count; start += batch) {
      const ends = Math.min(count, start + batch);
      await Promise.all(Array.from({ length: ends - start }, (_, i) => this.open1(start + i)));
    }
  }

  private open1(index: number): Promise<void> {
    this.primed[index] = false;
    return new Promise((resolve, reject) => {
      const client = createClient({
        url: this.settings.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${this.settings.apiKey}` },
        lazy: false,
        retryAttempts: 0,
        shouldRetry: () => false,
        keepAlive: 0,
        on: {
          connected: () => {
            this.connected += 1;
            this.open += 1;
            resolve();
          },
          closed: (event) => {
            const code = String((event as { code?: number }).code ?? 'unknown');
            this.closes[code] = (this.closes[code] ?? 0) + 1;
            if (this.open > 0) this.open -= 1;
          },
          error: (error) => reject(error),
        },
      });
      this.clients.push(client);
      const dispose = client.subscribe<unknown>(
        { query: EVENTS_SUBSCRIPTION },
        {
          next: (payload) => this.received(index, payload as Payload),
          error: () => {
            this.errors += 1;
          },
          complete: () => undefined,
        },
      );
      this.disposers.push(dispose);
    });
  }

  private received(index: number, payload: Payload) {
    const now = Date.now();
    this.total += 1;
    if (!this.primed[index]) {
      this.primed[index] = true;
      this.primedCount += 1;
    }
    if (payload.errors) this.errors += 1;
    const sentAt = sentAtOf(payload);
    if (sentAt === undefined) {
      this.unstamped += 1;
      return;
    }
    if (this.n === this.latencies.length) {
      const bigger = new Float64Array(this.latencies.length * 2);
      bigger.set(this.latencies);
      this.latencies = bigger;
    }
    this.latencies[this.n++] = now - sentAt;
  }

  state(): FleetState {
    return {
      connected: this.connected,
      primed: this.primedCount,
      open: this.open,
      received: this.total,
    };
  }

  startWindow(): void {
    this.n = 0;
    this.unstamped = 0;
    this.errors = 0;
    this.closes = {};
  }

  endWindow(): WindowResult {
    const result: WindowResult = {
      latenciesMs: this.latencies.slice(0, this.n),
      unstamped: this.unstamped,
      errors: this.errors,
      closes: this.closes,
    };
    this.startWindow();
    return result;
  }

  async close(): Promise<void> {
    for (const dispose of this.disposers) dispose();
    await Promise.all(this.clients.map((c) => c.dispose()));
  }
}
