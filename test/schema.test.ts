import { readFile } from 'node:fs/promises';
import {
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  lexicographicSortSchema,
  printSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.js';

const ownTypes = Object.values(schema.getTypeMap()).filter(
  (type) => !type.name.startsWith('__') && !(isScalarType(type) && isSpecifiedScalarType(type)),
);

function undocumented(type: GraphQLNamedType): string[] {
  const missing: string[] = [];
  if (!type.description?.trim()) missing.push(type.name);
  if (isObjectType(type) || isInterfaceType(type)) {
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
      if (!field.description?.trim()) missing.push(`${type.name}.${field.name}`);
      for (const arg of field.args) {
        if (!arg.description?.trim()) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    }
  }
  if (isInputObjectType(type)) {
    for (const field of Object.values((type as GraphQLInputObjectType).getFields())) {
      if (!field.description?.trim()) missing.push(`${type.name}.${field.name}`);
    }
  }
  if (isEnumType(type)) {
    for (const value of type.getValues()) {
      if (!value.description?.trim()) missing.push(`${type.name}.${value.name}`);
    }
  }
  return missing;
}

function fieldNames(typeName: string): string[] {
  const type = schema.getType(typeName);
  if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
    return Object.keys(type.getFields());
  }
  throw new Error(`${typeName} is not an object, interface or input type`);
}

function argNames(typeName: string, field: string): string[] {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
  return type.getFields()[field]?.args.map((a) => a.name) ?? [];
}

describe('the schema', () => {
  it('describes every type, field, argument and enum value', () => {
    expect(ownTypes.flatMap(undocumented)).toEqual([]);
  });

  it('is what schema.graphql holds (run `npm run schema` after a change)', async () => {
    const printed = `${printSchema(lexicographicSortSchema(schema))}\n`;
    expect(await readFile(new URL('../schema.graphql', import.meta.url), 'utf8')).toBe(printed);
  });

  it('keeps the root fields and arguments API.md fixes', () => {
    expect(fieldNames('Query')).toEqual(
      expect.arrayContaining([
        'node',
        'nodes',
        'viewer',
        'contact',
        'contacts',
        'organization',
        'organizations',
        'labels',
        'conversations',
      ]),
    );
    expect(argNames('Query', 'contact')).toEqual(
      expect.arrayContaining(['id', 'externalId', 'email', 'phone']),
    );
    expect(argNames('Query', 'contacts')).toEqual(
      expect.arrayContaining(['first', 'after', 'last', 'before', 'filter', 'search', 'orderBy']),
    );
    expect(argNames('Query', 'organizations')).toEqual(
      expect.arrayContaining(['first', 'after', 'filter', 'search', 'orderBy']),
    );
    expect(argNames('Query', 'labels')).toEqual(
      expect.arrayContaining(['first', 'after', 'search']),
    );
    expect(argNames('Query', 'conversations')).toEqual(
      expect.arrayContaining(['first', 'after', 'filter']),
    );
  });

  it('keeps the Contact fields and filters API.md fixes', () => {
    expect(fieldNames('Contact')).toEqual(
      expect.arrayContaining([
        'id',
        'externalId',
        'name',
        'givenName',
        'middleName',
        'lastName',
        'email',
        'phone',
        'type',
        'blocked',
        'organization',
        'labels',
        'conversations',
        'customAttributes',
        'createdAt',
        'updatedAt',
        'lastActivityAt',
        'deletedAt',
      ]),
    );
    expect(argNames('Contact', 'conversations')).toEqual(
      expect.arrayContaining(['first', 'after', 'status']),
    );
    expect(fieldNames('ContactFilter')).toEqual(
      expect.arrayContaining([
        'and',
        'or',
        'not',
        'name',
        'email',
        'phone',
        'externalId',
        'type',
        'blocked',
        'organizationId',
        'labels',
        'createdAt',
        'updatedAt',
        'lastActivityAt',
        'attributes',
        'includeDeleted',
      ]),
    );
    expect(fieldNames('StringFilter')).toEqual(
      expect.arrayContaining(['eq', 'neq', 'in', 'contains', 'startsWith', 'isNull']),
    );
    expect(fieldNames('DateTimeFilter')).toEqual(
      expect.arrayContaining(['eq', 'gt', 'gte', 'lt', 'lte', 'isNull']),
    );
    expect(fieldNames('IDFilter')).toEqual(expect.arrayContaining(['eq', 'in', 'isNull']));
    expect(fieldNames('LabelSetFilter')).toEqual(expect.arrayContaining(['any', 'all', 'none']));
    expect(fieldNames('AttributeFilter')).toEqual(
      expect.arrayContaining([
        'key',
        'eq',
        'neq',
        'in',
        'contains',
        'gt',
        'gte',
        'lt',
        'lte',
        'startsWith',
        'any',
        'all',
        'none',
        'exists',
      ]),
    );
    const orderFields = schema.getType('ContactOrderField');
    expect(isEnumType(orderFields) && orderFields.getValues().map((v) => v.name)).toEqual(
      expect.arrayContaining([
        'NAME',
        'EMAIL',
        'PHONE',
        'EXTERNAL_ID',
        'CREATED_AT',
        'UPDATED_AT',
        'LAST_ACTIVITY_AT',
        'CUSTOM_ATTRIBUTE',
      ]),
    );
    expect(fieldNames('ContactOrder')).toEqual(
      expect.arrayContaining(['field', 'direction', 'attributeKey']),
    );
  });

  it('gives every connection Relay paging and a totalCount', () => {
    for (const name of [
      'ContactConnection',
      'OrganizationConnection',
      'LabelConnection',
      'ConversationConnection',
    ]) {
      expect(fieldNames(name)).toEqual(expect.arrayContaining(['edges', 'pageInfo', 'totalCount']));
    }
    expect(fieldNames('PageInfo')).toEqual(
      expect.arrayContaining(['hasNextPage', 'hasPreviousPage', 'startCursor', 'endCursor']),
    );
  });
});
