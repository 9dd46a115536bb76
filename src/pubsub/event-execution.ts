import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionArgs,
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
 * fields batch into one query each; the next page gets fresh ones, so `contact` is never stale.
 */
function contextPerBatch(ctx: Context): () => Context {
  let current: Context | undefined;
  return () => {
    if (!current) {
      current = { ...ctx, loaders: new Map() };
      setImmediate(() => {
        current = undefined;
      });
    }
    return current;
  };
}

/**
 * Executes `Subscription.contactEvents` per event ourselves: the field's resolver still checks
 * scopes and arguments (through `createSourceEventStream`), then identical subscriptions share
 * one execution per event (`shared`), or each gets its own (the plain GraphQL way, for
 * comparison). Either way the events of one page share loaders and no event sees data cached
 * for an earlier one (graphql-js's default would reuse the subscription's context throughout).
 */
export function useContactEventExecution(options: { shared: boolean }): Plugin<Context> {
  return {
    onSubscribe({ args, setSubscribeFn }) {
      const field = subscriptionField(args);
      if (field?.name.value !== 'contactEvents') return;
      setSubscribeFn(async (subscribeArgs) => {
        const source = await createSourceEventStream(subscribeArgs);
        if (!(source instanceof ContactEventSource)) return source;
        const ctx = subscribeArgs.contextValue as Context;
        const batchContext = contextPerBatch(ctx);
        const key = options.shared ? groupKey(subscribeArgs, field, ctx) : undefined;
        return source.subscribe(key, (event) =>
          execute({ ...subscribeArgs, rootValue: event, contextValue: batchContext() }),
        );
      });
    },
  };
}
