/**
 * Message templates: plain text with `{{contact.<field>}}` and `{{contact.attr.<key>}}`
 * placeholders. Parsing and rendering are pure (no database, no Intl): the resolver parses
 * first (refusing unknown placeholders with their positions), loads what the placeholders need,
 * then renders with a function giving each placeholder's text.
 *
 * Rules: whitespace inside the braces is allowed (`{{ contact.name }}`); `\{{` writes a literal
 * `{{`; a lone `{`, `}` or `}}` is plain text. The output is plain text: nothing is HTML-escaped.
 */

/** The contact fields a template may name, as written after `contact.`. */
export const CONTACT_FIELDS = ['name', 'email', 'phone', 'externalId'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

export type Placeholder = { kind: 'field'; field: ContactField } | { kind: 'attr'; key: string };

/** Literal text and placeholders, in template order. */
export type ParsedTemplate = {
  parts: (string | Placeholder)[];
  /** Distinct custom attribute keys the template names, each where it first appears. */
  attributes: AttributeReference[];
};

/** A custom attribute key a template names, at its first placeholder (1-based line, column). */
export type AttributeReference = { key: string; line: number; column: number };

/** Where a problem is: 1-based line and column (UTF-16 code units), and 0-based offset. */
export type TemplateProblem = { message: string; offset: number; line: number; column: number };

export type ParseResult =
  | { ok: true; template: ParsedTemplate }
  | { ok: false; problems: TemplateProblem[] };

/** Templates longer than this many UTF-8 bytes are refused. */
export const TEMPLATE_MAX_BYTES = 64 * 1024;
/** A rendered text longer than this many characters is refused (values can be long). */
export const OUTPUT_MAX_CHARS = 1024 * 1024;
/** At most this many problems are reported for one template. */
const MAX_PROBLEMS = 20;

const FIELD = /^contact\.([A-Za-z]+)$/;
const ATTR = /^contact\.attr\.([^\s{}]+)$/;
const KNOWN =
  'known placeholders: {{contact.name}}, {{contact.email}}, {{contact.phone}}, ' +
  '{{contact.externalId}}, {{contact.attr.<key>}}';

function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** Shortens a placeholder for a message: long or multi-line ones are cut. */
function shown(raw: string): string {
  const flat = raw.replace(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 57)}…` : flat;
}

function placeholderOf(body: string): Placeholder | undefined {
  const attr = ATTR.exec(body);
  if (attr) return { kind: 'attr', key: attr[1] as string };
  const field = FIELD.exec(body)?.[1];
  if (field && (CONTACT_FIELDS as readonly string[]).includes(field)) {
    return { kind: 'field', field: field as ContactField };
  }
  return undefined;
}

/** Splits a template into text and placeholders; every unknown or unclosed one is a problem. */
export function parseTemplate(template: string): ParseResult {
  const parts: (string | Placeholder)[] = [];
  const problems: TemplateProblem[] = [];
  const attributes = new Map<string, AttributeReference>();
  let text = '';
  let i = 0;
  const problem = (offset: number, message: string) => {
    if (problems.length < MAX_PROBLEMS) {
      const { line, column } = positionOf(template, offset);
      problems.push({
        message: `${message} at line ${line}, column ${column}`,
        offset,
        line,
        column,
      });
    }
  };
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    if (open === -1) {
      text += template.slice(i);
      break;
    }
    if (open > 0 && template[open - 1] === '\\') {
      // `\{{` is a literal `{{`: drop the backslash, keep the braces.
      text += `${template.slice(i, open - 1)}{{`;
      i = open + 2;
      continue;
    }
    text += template.slice(i, open);
    const close = template.indexOf('}}', open + 2);
    if (close === -1) {
      problem(open, `unclosed placeholder "${shown(template.slice(open))}" (no "}}" follows)`);
      break;
    }
    const raw = template.slice(open, close + 2);
    const placeholder = placeholderOf(template.slice(open + 2, close).trim());
    if (!placeholder) {
      problem(open, `unknown placeholder "${shown(raw)}" (${KNOWN})`);
    } else {
      if (text) parts.push(text);
      text = '';
      parts.push(placeholder);
      if (placeholder.kind === 'attr' && !attributes.has(placeholder.key)) {
        attributes.set(placeholder.key, { key: placeholder.key, ...positionOf(template, open) });
      }
    }
    i = close + 2;
  }
  if (text) parts.push(text);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, template: { parts, attributes: [...attributes.values()] } };
}

/** The text of a parsed template; undefined when it would exceed `maxChars`. */
export function renderParsed(
  template: ParsedTemplate,
  textOf: (placeholder: Placeholder) => string,
  maxChars = OUTPUT_MAX_CHARS,
): string | undefined {
  const out: string[] = [];
  let length = 0;
  for (const part of template.parts) {
    const piece = typeof part === 'string' ? part : textOf(part);
    length += piece.length;
    if (length > maxChars) return undefined;
    out.push(piece);
  }
  return out.join('');
}
