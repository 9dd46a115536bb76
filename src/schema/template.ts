import { renderTemplate } from '../resolvers/templates.js';
import { builder } from './builder.js';
import { NotFoundError, ValidationError } from './errors.js';

const RenderTemplateSuccess = builder
  .objectRef<{ text: string }>('RenderTemplateSuccess')
  .implement({
    description: 'A template rendered for one contact.',
    fields: (t) => ({
      text: t.exposeString('text', {
        description: 'The rendered text: plain text, nothing is HTML-escaped.',
      }),
    }),
  });

builder.queryField('renderTemplate', (t) =>
  t.field({
    type: RenderTemplateSuccess,
    description:
      'Renders a plain-text template for a contact. Placeholders: `{{contact.name}}`, ' +
      '`{{contact.email}}`, `{{contact.phone}}` (E.164), `{{contact.externalId}}` and ' +
      '`{{contact.attr.<key>}}` (a custom attribute, formatted by its definition’s type); ' +
      'whitespace inside the braces is allowed and `\\{{` writes a literal `{{`. A missing value ' +
      'or an archived attribute renders as nothing. An unknown or unclosed placeholder is a ' +
      '`ValidationError` at `["template"]` naming it with its line and column.',
    errors: {
      types: [ValidationError, NotFoundError],
      directResult: true,
      union: { name: 'RenderTemplateResult', description: 'What renderTemplate did.' },
    },
    args: {
      contactId: t.arg.id({ required: true, description: 'The contact (a live one).' }),
      template: t.arg.string({
        required: true,
        description: 'The template: plain text with placeholders, at most 64 KB (UTF-8).',
      }),
      locale: t.arg.string({
        description: 'BCP 47 locale for numbers and dates, e.g. `fr-FR` (default `en-US`).',
      }),
      timeZone: t.arg.string({
        description:
          'IANA time zone for date-time attributes (default: the contact’s `timezone`, else UTC).',
      }),
    },
    resolve: (_root, args, ctx) => renderTemplate(ctx, args),
  }),
);
