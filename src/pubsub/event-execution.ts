import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  type FieldNode,
  getOperationAST,
  Kind,
  print,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { ContactEventSource } from './source.js';

const printed = new WeakMap<DocumentNode, string>();

/** The subscription's root field, when the operation is a subscription. */
function subscriptionField(args: ExecutionArgs): FieldNode | undefined {
  const operation = getOperationAST(args.document, args.operationName);
  if (operation?.operation !== 'subscription') return undefined;
  const first = operation.selectionSet.selections[0];
  return first?.kind === Kind.FIELD ? first : undefined;
}

/**
 * Subscriptions whose every event result is the same: same document and variables (the
 * `after` cursor aside: it only decides where replay starts), same workspace (the stream adds
 * it) and same scopes. The cursor of each subscriber is its own; the results are shared.
 */
function groupKey(args: ExecutionArgs, field: FieldNode, ctx: Context): string {
  let document = printed.get(args.document);
  if (document === undefined) {
    document = print(args.document);
    printed.set(args.document, document);
  }
  const after = field.arguments?.find((a) => a.name.value === 'after')?.value;
  const variables = { ...args.variableValues };
  if (after?.kind === Kind.VARIABLE) delete variables[after.name.value];
  const scopes = [...ctx.principal.scopes].sort();
  return JSON.stringify([document, args.operationName ?? null, variables, scopes]);
}

/**
 * Loaders shared by the events executed together (one page from the tail), so their nested
 * fields batch into one query each; the next page gets fresh ones, so `contact` is never stale,
 * and data access that reads the attribute schema anew when the page needs it.
 */
function contextPerBatch(ctx: Context): () => Context {
  let current: Context | undefined;
  return () => {
    if (!current) {
      current = { ...ctx, db: ctx.db.renewed(), loaders: new Map() };
      setImmediate(() => {
        current = undefined;
      });
    }
    return current;
  };
}

export type ContactEventExecutionOptions = {
  /** Identical subscriptions share one execution per event. */
  shared: boolean;
  /** Applied to each result once (per group when shared), where no outer layer masks errors. */
  mask?: (result: ExecutionResult) => ExecutionResult;
};

/** The `contactEvents` field when the operation subscribes to it, else undefined. */
export function contactEventsField(args: ExecutionArgs): FieldNode | undefined {
  const field = subscriptionField(args);
  return field?.name.value === 'contactEvents' ? field : undefined;
}

/**
 * Subscribes to `Subscription.contactEvents`, executing each event ourselves: the field's
 * resolver still checks scopes and arguments (through `createSourceEventStream`), then
 * identical subscriptions share one execution per event (`shared`), or each gets its own.
 * Either way the events of one page share loaders and no event sees data cached for an earlier
 * one (graphql-js's default would reuse the subscription's context throughout).
 */
export async function subscribeToContactEvents(
  args: ExecutionArgs,
  field: FieldNode,
  options: ContactEventExecutionOptions,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(source instanceof ContactEventSource)) return source as ExecutionResult;
  const ctx = args.contextValue as Context;
  const batchContext = contextPerBatch(ctx);
  const key = options.shared ? groupKey(args, field, ctx) : undefined;
  const mask = options.mask ?? ((result: ExecutionResult) => result);
  return source.subscribe(key, async (event) =>
    mask(await execute({ ...args, rootValue: event, contextValue: batchContext() })),
  );
}

/** The same inside yoga's pipeline (SSE, and graphql-ws operations it runs), which masks. */
export function useContactEventExecution(options: { shared: boolean }): Plugin<Context> {
  return {
    onSubscribe({ args, setSubscribeFn }) {
      const field = contactEventsField(args);
      if (!field) return;
      setSubscribeFn((subscribeArgs) => subscribeToContactEvents(subscribeArgs, field, options));
    },
  };
}
