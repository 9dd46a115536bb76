import DataLoader from 'dataloader';
import type { Principal } from './db/api-keys.js';
import type { WorkspaceData } from './db/workspace-data.js';
import type { ContactEventStream } from './pubsub/stream.js';

/** What every resolver sees: who is calling, and data access bound to their workspace. */
export type Context = {
  requestId: string;
  principal: Principal;
  db: WorkspaceData;
  /** Per-request batch loaders for nested connections, keyed by field and arguments. */
  loaders: Map<string, DataLoader<string, unknown>>;
  /** The process's contact event stream, for subscriptions. */
  events: ContactEventStream;
  /** The WebSocket the request came over, when it did: closed on a too-slow subscriber. */
  connection?: { close(code: number, reason: string): void };
  /** The TCP connection of an HTTP request (SSE streams are cut through it at shutdown). */
  httpSocket?: { destroy(): void };
};

/**
 * One DataLoader per (name, arguments) per request: sibling fields asking for the same page
 * shape (e.g. every contact's `conversations(first: 5)`) are answered by one statement.
 */
export function batchLoader<V>(
  ctx: Context,
  name: string,
  args: unknown,
  batch: (keys: readonly string[]) => Promise<Map<string, V>>,
): DataLoader<string, V> {
  const key = `${name}:${JSON.stringify(args)}`;
  let loader = ctx.loaders.get(key) as DataLoader<string, V> | undefined;
  if (!loader) {
    loader = new DataLoader<string, V>(async (keys) => {
      const found = await batch(keys);
      return keys.map((k) => found.get(k) as V);
    });
    ctx.loaders.set(key, loader as DataLoader<string, unknown>);
  }
  return loader;
}
