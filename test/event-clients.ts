import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** What the tests select of each event. */
export const EVENT_FIELDS = `cursor type contactId occurredAt snapshot changes { field before after }`;

export type ReceivedEvent = {
  cursor: string;
  type: 'CONTACT_CREATED' | 'CONTACT_UPDATED' | 'CONTACT_DELETED';
  contactId: string;
  occurredAt: string;
  snapshot: Record<string, unknown>;
  changes: { field: string; before: unknown; after: unknown }[];
};

export type EventArgs = {
  after?: string;
  types?: string[];
  contactId?: string;
  fields?: string[];
  segmentId?: string;
};

export const SUBSCRIPTION = `subscription Events($after: String, $types: [ContactEventType!], $contactId: ID, $fields: [String!], $segmentId: ID) {
  contactEvents(after: $after, types: $types, contactId: $contactId, fields: $fields, segmentId: $segmentId) { ${EVENT_FIELDS} }
}`;

/** Waits until `predicate` holds, polling; fails with `what` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A subscription over a real graphql-ws connection, collecting what it receives. */
export type WsSubscription = {
  events: ReceivedEvent[];
  errors: unknown[];
  completed: boolean;
  /** Close events of the socket (code, reason), in order. */
  closes: { code: number; reason: string }[];
  /** Resolves once at least `n` events have arrived. */
  received(n: number, timeoutMs?: number): Promise<ReceivedEvent[]>;
  client: Client;
  close(): Promise<void>;
};

export async function subscribeWs(
  wsUrl: string,
  key: string,
  args: EventArgs = {},
  options: { query?: string; retry?: boolean } = {},
): Promise<WsSubscription> {
  const closes: { code: number; reason: string }[] = [];
  let connected!: () => void;
  const ready = new Promise<void>((resolve) => {
    connected = resolve;
  });
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${key}` },
    retryAttempts: options.retry ? 5 : 0,
    retryWait: async () => new Promise((r) => setTimeout(r, 50)),
    shouldRetry: () => Boolean(options.retry),
    lazy: true,
    on: {
      connected: () => connected(),
      closed: (event) => {
        const e = event as { code: number; reason: string };
        closes.push({ code: e.code, reason: e.reason });
      },
    },
  });
  const sub: WsSubscription = {
    events: [],
    errors: [],
    completed: false,
    closes,
    client,
    async received(n, timeoutMs = 5000) {
      await waitFor(
        () => sub.events.length >= n,
        `${n} events (got ${sub.events.length})`,
        timeoutMs,
      );
      return sub.events;
    },
    async close() {
      await client.dispose();
    },
  };
  // Variables are read at (re)subscribe time: a resuming client updates `after` as it goes.
  const variables: EventArgs = { ...args };
  client.subscribe<{ contactEvents: ReceivedEvent }>(
    { query: options.query ?? SUBSCRIPTION, variables },
    {
      next: (result) => {
        if (result.errors) sub.errors.push(...result.errors);
        const event = result.data?.contactEvents;
        if (event) {
          sub.events.push(event);
          variables.after = event.cursor;
        }
      },
      error: (error) => sub.errors.push(error),
      complete: () => {
        sub.completed = true;
      },
    },
  );
  await ready;
  // The server has the subscription once it answered a ping after the subscribe message.
  await new Promise((r) => setTimeout(r, 50));
  return sub;
}

/** A subscription over SSE (yoga's single-connection mode), collecting `next` results. */
export type SseSubscription = {
  results: { data?: { contactEvents: ReceivedEvent } | null; errors?: unknown[] }[];
  events(): ReceivedEvent[];
  completed: boolean;
  /** The response body ended or broke off. */
  ended: boolean;
  received(n: number, timeoutMs?: number): Promise<ReceivedEvent[]>;
  close(): void;
};

export async function subscribeSse(
  fetchImpl: (path: string, init: RequestInit) => Promise<Response>,
  key: string,
  args: EventArgs = {},
): Promise<SseSubscription> {
  const abort = new AbortController();
  const response = await fetchImpl('/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: `Bearer ${key}`,
    },
    body: JSON.stringify({ query: SUBSCRIPTION, variables: args }),
    signal: abort.signal,
  });
  if (!response.body) throw new Error(`no SSE body (status ${response.status})`);
  const sub: SseSubscription = {
    results: [],
    events: () => sub.results.flatMap((r) => (r.data?.contactEvents ? [r.data.contactEvents] : [])),
    completed: false,
    ended: false,
    async received(n, timeoutMs = 5000) {
      await waitFor(() => sub.events().length >= n, `${n} SSE events`, timeoutMs);
      return sub.events();
    },
    close: () => abort.abort(),
  };
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (\w+)/m.exec(message)?.[1];
          const data = /^data: (.*)$/m.exec(message)?.[1];
          if (event === 'next' && data) sub.results.push(JSON.parse(data));
          if (event === 'complete') sub.completed = true;
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // Aborted by the test, or the connection was cut.
    }
    sub.ended = true;
  })();
  return sub;
}
