import type { Context } from '../context.js';
import type { AttributeSchema } from '../db/attribute-schema.js';
import type { Contact } from '../db/schema.js';
import { type FieldError, NotFoundError, ValidationError } from '../errors.js';
import {
  type AttributeReference,
  OUTPUT_MAX_CHARS,
  type Placeholder,
  parseTemplate,
  renderParsed,
  TEMPLATE_MAX_BYTES,
} from '../templates/render.js';
import { formatAttributeValue } from '../validation/attribute-format.js';
import { decodeReference, throwIfInvalid } from './write-errors.js';

export type RenderTemplateArgs = {
  contactId: string;
  template: string;
  locale?: string | null;
  timeZone?: string | null;
};

function validLocale(locale: string): boolean {
  try {
    return Intl.getCanonicalLocales(locale).length === 1;
  } catch {
    return false;
  }
}

function validTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Every problem with the arguments at once; the template's with their positions. */
function checkArguments(args: RenderTemplateArgs, errors: FieldError[]) {
  if (args.locale != null && !validLocale(args.locale)) {
    errors.push({ path: ['locale'], message: `"${args.locale}" is not a BCP 47 locale` });
  }
  if (args.timeZone != null && !validTimeZone(args.timeZone)) {
    errors.push({ path: ['timeZone'], message: `"${args.timeZone}" is not an IANA time zone` });
  }
  if (Buffer.byteLength(args.template, 'utf8') > TEMPLATE_MAX_BYTES) {
    errors.push({ path: ['template'], message: `is longer than ${TEMPLATE_MAX_BYTES} bytes` });
    return undefined;
  }
  const parsed = parseTemplate(args.template);
  if (parsed.ok) return parsed.template;
  for (const problem of parsed.problems)
    errors.push({ path: ['template'], message: problem.message });
  return undefined;
}

/**
 * A workspace that rejects keys without a definition stores none, so such a key in a template
 * is a typo: refused like an unknown placeholder. (Storing workspaces may hold any key.)
 */
function undefinedAttributes(
  attributes: readonly AttributeReference[],
  schema: AttributeSchema,
): FieldError[] {
  if (schema.unknownAttributes !== 'REJECT') return [];
  return attributes
    .filter((a) => !schema.byKey.has(a.key))
    .map((a) => ({
      path: ['template'],
      message:
        `unknown attribute "{{contact.attr.${a.key}}}": no attribute definition has this key ` +
        `(the workspace rejects keys without one) at line ${a.line}, column ${a.column}`,
    }));
}

/** The text of one placeholder for this contact. */
function placeholderText(
  contact: Contact,
  schema: AttributeSchema | undefined,
  format: { locale: string | null; timeZone: string | null },
) {
  return (placeholder: Placeholder): string => {
    if (placeholder.kind === 'field') return contact[placeholder.field] ?? '';
    const definition = schema?.byKey.get(placeholder.key);
    // An archived definition's values are hidden from reads, here too.
    if (definition?.archivedAt) return '';
    const value = contact.customAttributes[placeholder.key];
    return formatAttributeValue(definition?.type ?? null, value, format);
  };
}

/**
 * Renders a template for one live contact of the workspace. Typed attributes are formatted by
 * their definition's type in `locale` (default en-US) and, for date-times, in `timeZone`, else
 * the contact's own time zone, else UTC. Reads the contact, plus the attribute schema when the
 * template names an attribute.
 */
export async function renderTemplate(
  ctx: Context,
  args: RenderTemplateArgs,
): Promise<{ text: string }> {
  const errors: FieldError[] = [];
  const id = decodeReference(args.contactId, 'Contact', ['contactId'], errors);
  const template = checkArguments(args, errors);
  throwIfInvalid(errors);
  if (!id || !template) throw new Error('unreachable: arguments were checked');
  const [contact, schema] = await Promise.all([
    ctx.db.contacts.find({ id }),
    template.attributes.length > 0 ? ctx.db.attributeSchema() : undefined,
  ]);
  if (schema) throwIfInvalid(undefinedAttributes(template.attributes, schema));
  if (!contact)
    throw new NotFoundError('contactId', 'contactId: no such contact in this workspace');
  const timeZone =
    args.timeZone ??
    (contact.timezone && validTimeZone(contact.timezone) ? contact.timezone : null);
  const text = renderParsed(
    template,
    placeholderText(contact, schema, { locale: args.locale ?? null, timeZone }),
  );
  if (text === undefined) {
    throw new ValidationError([
      { path: ['template'], message: `renders to more than ${OUTPUT_MAX_CHARS} characters` },
    ]);
  }
  return { text };
}
