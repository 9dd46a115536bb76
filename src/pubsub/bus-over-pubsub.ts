import type { PubSub } from 'graphql-yoga';
import type { DatabaseConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { EventBus, EventBusHandlers, EventBusKind, EventNote } from './bus.js';
import { describeError } from './postgres-event-target.js';

/** Payloads are untrusted (another process, another version) until `readNote` has read them. */
export type Topics = Record<string, [unknown]>;

export type BusParts = {
  kind: EventBusKind;
  pubsub: PubSub<Topics>;
  topic: string;
  log: Logger;
  /** False drops a payload silently: it is someone else's. */
  belongsHere?: (detail: unknown) => boolean;
  /** Defaults to publishing the note on the topic. */
  announce?: (note: EventNote) => void;
  close?: () => Promise<void>;
};

/**
 * One subscription per bus, started at once (so a note sent right after creation is seen),
 * fanned out to the handlers in-process; `listen` just joins the fan-out.
 */
export function busOverPubSub(parts: BusParts): { eventBus: EventBus; resyncAll: () => void } {
  const { pubsub, topic, log } = parts;
  const handlers = new Set<EventBusHandlers>();
  const each = (call: (handlers: EventBusHandlers) => void) => {
    // A snapshot, so a handler that unsubscribes (or subscribes) mid-delivery is safe.
    for (const handler of [...handlers]) {
      try {
        call(handler);
      } catch (error) {
        log.error('event bus: handler failed', describeError(error));
      }
    }
  };

  // Iterating runs the repeater's executor synchronously, so the event target has its
  // listener before this function returns.
  const subscription = pubsub.subscribe(topic);
  const pumping = (async () => {
    for await (const detail of subscription) {
      if (parts.belongsHere && !parts.belongsHere(detail)) continue;
      const note = isRecord(detail) ? readNote(detail) : undefined;
      if (note) each((handler) => handler.note(note));
      else log.warn('event bus: ignored a malformed note', { topic });
    }
  })().catch((error: unknown) => log.error('event bus: subscription failed', describeError(error)));

  let closing: Promise<void> | undefined;
  const eventBus: EventBus = {
    kind: parts.kind,
    announce: parts.announce ?? ((note) => pubsub.publish(topic, note)),
    listen(handler) {
      // A wrapper per call: the same handlers object may listen twice and unsubscribe once.
      const entry: EventBusHandlers = {
        note: (n) => handler.note(n),
        resync: () => handler.resync(),
      };
      handlers.add(entry);
      return () => {
        handlers.delete(entry);
      };
    },
    close() {
      closing ??= (async () => {
        handlers.clear();
        await subscription.return();
        await pumping;
        await parts.close?.();
      })();
      return closing;
    },
  };
  return { eventBus, resyncAll: () => each((handler) => handler.resync()) };
}

/** The schema notes belong to: the configured one on a server, `public` in PGlite. */
export function schemaOf(config: DatabaseConfig): string {
  return config.kind === 'postgres' ? config.schema : 'public';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Ids are strings (int8 stays exact); a trigger that forgot the ::text cast still works. */
function readNote(detail: Record<string, unknown>): EventNote | undefined {
  const workspaceId = readId(detail.workspaceId);
  if (workspaceId === undefined) return undefined;
  const seq = readId(detail.seq);
  return seq === undefined ? { workspaceId } : { workspaceId, seq };
}

function readId(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}
