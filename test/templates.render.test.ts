import { describe, expect, it } from 'vitest';
import { parseTemplate, renderParsed } from '../src/templates/render.js';

/** The template parser and renderer alone: parts, keys, positions, limits. */

function parsed(template: string) {
  const result = parseTemplate(template);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.template;
}

describe('parseTemplate', () => {
  it('splits text and placeholders and lists distinct attribute keys', () => {
    const template = parsed('A {{contact.name}}{{ contact.attr.plan }} {{contact.attr.plan}}.');
    expect(template.parts).toEqual([
      'A ',
      { kind: 'field', field: 'name' },
      { kind: 'attr', key: 'plan' },
      ' ',
      { kind: 'attr', key: 'plan' },
      '.',
    ]);
    expect(template.attributes).toEqual([{ key: 'plan', line: 1, column: 19 }]);
  });

  it('accepts any stored key spelling after contact.attr.', () => {
    const keys = parsed('{{contact.attr.lifetimeValue}}\n{{contact.attr.a.b-c}}').attributes;
    expect(keys).toEqual([
      { key: 'lifetimeValue', line: 1, column: 1 },
      { key: 'a.b-c', line: 2, column: 1 },
    ]);
  });

  it('turns \\{{ into a literal {{ and leaves other braces alone', () => {
    expect(parsed('\\{{x}} { } }} {').parts).toEqual(['{{x}} { } }} {']);
  });

  it('gives line and column (1-based) and offset of each problem', () => {
    const result = parseTemplate('ok\n\n  {{contact.x}}\n{{contact.attr.}}');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map(({ line, column, offset }) => ({ line, column, offset }))).toEqual([
      { line: 3, column: 3, offset: 6 },
      { line: 4, column: 1, offset: 20 },
    ]);
  });

  it('reports at most 20 problems and shortens long placeholders', () => {
    const result = parseTemplate(`${'{{bad}}'.repeat(30)}{{${'z'.repeat(100)}}}`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(20);
    const long = parseTemplate(`{{${'z'.repeat(100)}}}`);
    expect(long.ok).toBe(false);
    if (long.ok) return;
    expect(long.problems[0]?.message).toMatch(/^unknown placeholder "\{\{z{55}…"/);
  });
});

describe('renderParsed', () => {
  it('fills placeholders in order', () => {
    const text = renderParsed(parsed('{{contact.email}}/{{contact.attr.k}}'), (p) =>
      p.kind === 'field' ? p.field : `attr:${p.key}`,
    );
    expect(text).toBe('email/attr:k');
  });

  it('stops at the output limit', () => {
    const template = parsed('{{contact.name}}{{contact.name}}');
    expect(renderParsed(template, () => 'abc', 6)).toBe('abcabc');
    expect(renderParsed(template, () => 'abc', 5)).toBeUndefined();
  });
});
