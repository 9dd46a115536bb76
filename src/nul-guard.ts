import { type ArgumentNode, GraphQLError, Kind, type ValueNode, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { findNulCharacter } from './validation/text.js';

/**
 * PostgreSQL text and jsonb cannot hold NUL characters, so no input containing one can match or
 * be stored: reject it once, for every operation, before any resolver runs, naming where it is
 * (`filter.or[1].name.contains` for a variable `$filter`, the argument path for a literal).
 */
export function useNulCharacterGuard(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const path =
        findNulCharacter(args.variableValues ?? {}, '') ?? findNulInLiterals(args.document);
      if (path === undefined) return;
      setResultAndStopExecution({
        errors: [
          new GraphQLError(`${path}: must not contain NUL characters`, {
            extensions: { code: 'BAD_USER_INPUT', argument: path },
          }),
        ],
      });
    },
  };
}

function findNulInLiterals(document: Parameters<typeof visit>[0]): string | undefined {
  let found: string | undefined;
  visit(document, {
    Argument(node: ArgumentNode) {
      found ??= findInValue(node.value, node.name.value);
    },
  });
  return found;
}

function findInValue(value: ValueNode, path: string): string | undefined {
  switch (value.kind) {
    case Kind.STRING:
      return value.value.includes('\u0000') ? path : undefined;
    case Kind.LIST:
      for (const [i, item] of value.values.entries()) {
        const found = findInValue(item, `${path}[${i}]`);
        if (found !== undefined) return found;
      }
      return undefined;
    case Kind.OBJECT:
      for (const field of value.fields) {
        const found = findInValue(field.value, `${path}.${field.name.value}`);
        if (found !== undefined) return found;
      }
      return undefined;
    default:
      return undefined;
  }
}
