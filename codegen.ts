import type { CodegenConfig } from '@graphql-codegen/cli';

/** Typed operations for tests and examples: `graphql()` from test/gql knows every result type. */
const config: CodegenConfig = {
  schema: './schema.graphql',
  documents: ['test/**/*.ts', 'bench/**/*.ts', '!test/gql/**'],
  ignoreNoDocuments: true,
  generates: {
    './test/gql/': {
      preset: 'client',
      config: {
        emitLegacyCommonJSImports: false,
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: {
          DateTime: 'string',
          JSON: 'unknown',
          EmailAddress: 'string',
          PhoneNumber: 'string',
        },
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
