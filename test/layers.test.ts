import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The architecture rules of STYLE.md, read from the source with the TypeScript parser (so
 * comments and strings never count): three layers with imports flowing downward, one place
 * for the tenancy rule, one reader of the environment.
 */
const ROOT = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f).split('\\').join('/'));
}

function parse(path: string, text = readFileSync(join(ROOT, path), 'utf8')): ts.SourceFile {
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
}

function walk(node: ts.Node, visit: (node: ts.Node) => void) {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

/** Every module a file imports: `import`, `export … from`, `import()`, `import('x').T`. */
function importsOf(file: ts.SourceFile): string[] {
  const out: string[] = [];
  walk(file, (node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      out.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      out.push(node.arguments[0].text);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      out.push(node.argument.literal.text);
    }
  });
  return out;
}

const QUERY_STARTS = new Set(['selectFrom', 'updateTable', 'deleteFrom']);

/** `x.selectFrom(…)`-style calls whose receiver is not a workspace scope, as `line: code`. */
function unscopedQueries(file: ts.SourceFile): string[] {
  const out: string[] = [];
  walk(file, (node) => {
    if (
      !ts.isCallExpression(node) ||
      !ts.isPropertyAccessExpression(node.expression) ||
      !QUERY_STARTS.has(node.expression.name.text)
    ) {
      return;
    }
    const receiver = node.expression.expression.getText(file).replace(/\s+/g, '');
    if (/(^|\.)scope$/i.test(receiver)) return;
    const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
    out.push(`${line + 1}: ${receiver}.${node.expression.name.text}(…)`);
  });
  return out;
}

/** Reads of `process.env` (property access, element access or destructuring), as line numbers. */
function environmentReads(file: ts.SourceFile): number[] {
  const out: number[] = [];
  const isProcess = (n: ts.Node) =>
    ts.isIdentifier(n) && n.text === 'process'
      ? true
      : ts.isPropertyAccessExpression(n) &&
        n.name.text === 'process' &&
        ts.isIdentifier(n.expression) &&
        n.expression.text === 'globalThis';
  walk(file, (node) => {
    const hit =
      (ts.isPropertyAccessExpression(node) &&
        node.name.text === 'env' &&
        isProcess(node.expression)) ||
      (ts.isElementAccessExpression(node) &&
        isProcess(node.expression) &&
        ts.isStringLiteral(node.argumentExpression) &&
        node.argumentExpression.text === 'env') ||
      (ts.isVariableDeclaration(node) &&
        node.initializer !== undefined &&
        isProcess(node.initializer) &&
        ts.isObjectBindingPattern(node.name) &&
        node.name.elements.some(
          (e) => (e.propertyName ?? e.name).getText(node.getSourceFile()) === 'env',
        ));
    if (hit) out.push(node.getSourceFile().getLineAndCharacterOfPosition(node.getStart()).line + 1);
  });
  return out;
}

const SRC = sourceFiles('src');
const under = (dir: string) => SRC.filter((f) => f.startsWith(`${dir}/`));

/** `{ file: [offending items] }` for files with at least one, for readable failure messages. */
function offenders(files: string[], check: (file: ts.SourceFile) => unknown[]) {
  const out: Record<string, unknown[]> = {};
  for (const path of files) {
    const found = check(parse(path));
    if (found.length) out[path] = found;
  }
  return out;
}

/** Imports of `file` that resolve into one of `dirs` (relative to the repository root). */
function importsInto(file: ts.SourceFile, dirs: string[]): string[] {
  const from = file.fileName.split('/').slice(0, -1).join('/');
  return importsOf(file).filter((spec) => {
    if (!spec.startsWith('.')) return false;
    const target = relative(ROOT, join(ROOT, from, spec))
      .split('\\')
      .join('/');
    return dirs.some((d) => target === d.replace(/\.ts$/, '.js') || target.startsWith(`${d}/`));
  });
}

describe('the layer rules', () => {
  it('finds the source files it checks', () => {
    expect(under('src/schema').length).toBeGreaterThan(3);
    expect(under('src/db').length).toBeGreaterThan(5);
    expect(SRC).toContain('src/config.ts');
  });

  it('keeps Kysely out of src/schema', () => {
    const found = offenders(under('src/schema'), (f) =>
      importsOf(f).filter((m) => m === 'kysely' || m.startsWith('kysely/')),
    );
    expect(found).toEqual({});
  });

  it('keeps GraphQL out of src/db', () => {
    const graphqlModule = (m: string) =>
      /^(graphql|graphql-[\w-]+|@pothos\/[\w-]+|@graphql-[\w-]+\/[\w-]+)(\/|$)/.test(m);
    const found = offenders(under('src/db'), (f) => importsOf(f).filter(graphqlModule));
    expect(found).toEqual({});
  });

  it('lets imports flow downward only: src/db never imports the layers above it', () => {
    const above = ['src/schema', 'src/resolvers', 'src/server.ts', 'src/context.ts', 'src/auth.ts'];
    const found = offenders(under('src/db'), (f) => importsInto(f, above));
    expect(found).toEqual({});
  });

  it('lets imports flow downward only: src/resolvers never imports src/schema', () => {
    const found = offenders(under('src/resolvers'), (f) => importsInto(f, ['src/schema']));
    expect(found).toEqual({});
  });
});

describe('the tenancy rule', () => {
  /**
   * Files that may start queries without a scope: non-tenant tables, key lookup, bulk seeding,
   * and maintenance across workspaces (event retention, attribute index reconciliation).
   */
  const UNSCOPED_ALLOWED = [
    'src/db/scope.ts',
    'src/db/workspaces.ts',
    'src/db/api-keys.ts',
    'src/db/seed.ts',
    'src/db/event-retention.ts',
    'src/db/attribute-index-maintenance.ts',
  ];
  const checked = SRC.filter(
    (f) => !UNSCOPED_ALLOWED.includes(f) && !f.startsWith('src/db/migrations/'),
  );

  it('starts every query on a table through the workspace scope', () => {
    expect(checked.length).toBeGreaterThan(10);
    expect(offenders(checked, unscopedQueries)).toEqual({});
  });

  it('starts queries on tenant tables in src/db/scope.ts from one unscoped handle', () => {
    const scope = parse('src/db/scope.ts');
    expect(unscopedQueries(scope).map((s) => s.replace(/^\d+: /, ''))).toEqual([
      'this.db.selectFrom(…)',
      'this.db.updateTable(…)',
      'this.db.deleteFrom(…)',
    ]);
  });
});

describe('the configuration rule', () => {
  it('reads process.env in src/config.ts only', () => {
    const found = offenders(
      SRC.filter((f) => f !== 'src/config.ts'),
      environmentReads,
    );
    expect(found).toEqual({});
    expect(environmentReads(parse('src/config.ts')).length).toBeGreaterThan(0);
  });
});

describe('the rule checkers themselves', () => {
  const snippet = (text: string) => parse('src/db/example.ts', text);

  it('see imports of every form and ignore comments and strings', () => {
    const file = snippet(`
      import { a } from 'kysely';
      import type { B } from "graphql";
      export { c } from './c.js';
      const d = await import('pg');
      type E = import('@pothos/core').Builder;
      // import { x } from 'commented-out';
      const s = "import { y } from 'in-a-string'";
    `);
    expect(importsOf(file)).toEqual(['kysely', 'graphql', './c.js', 'pg', '@pothos/core']);
  });

  it('flag a query started on a raw handle, even across lines, but not on a scope', () => {
    const file = snippet(`
      scope.selectFrom('contacts');
      this.scope
        .updateTable('contacts');
      db.selectFrom('contacts');
      tx
        .deleteFrom('labels');
      ctx.db.raw.updateTable('contacts');
      // db.selectFrom('commented');
    `);
    expect(unscopedQueries(file)).toEqual([
      '5: db.selectFrom(…)',
      '6: tx.deleteFrom(…)',
      '8: ctx.db.raw.updateTable(…)',
    ]);
  });

  it('flag every way of reading process.env', () => {
    const file = snippet(`
      const a = process.env.PORT;
      const b = process['env'];
      const { env } = process;
      const c = globalThis.process.env;
      // process.env.COMMENTED
      const d = 'process.env';
    `);
    expect(environmentReads(file)).toEqual([2, 3, 4, 5]);
  });
});
