import { TAG } from '../http/reference.js';
import { Type } from 'typebox';
import type { TemplateTable } from '../db/schema.js';
import { AppError } from '../errors/index.js';
import { IdParam, problems, Timestamp } from '../http/schemas.js';
import { principalOf, type App } from '../http/types.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { LocaleSchema } from './index.js';
import { MESSAGE_CHANNELS, type MessageChannel } from './channels.js';
import { MAX_BODY_CHARS, MAX_HTML_CHARS, MAX_SUBJECT_CHARS, validateTemplate } from './template.js';
import type { TemplateStore } from './template-store.js';

const Body = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    channel: Type.Enum([...MESSAGE_CHANNELS], { description: 'The message channel the template is for' }),
    locale: LocaleSchema,
    body: Type.String({ minLength: 1, maxLength: MAX_BODY_CHARS * 2, description: 'Text with {code}, and optionally {brand} and {minutes}' }),
    subject: Type.Optional(Type.String({ maxLength: MAX_SUBJECT_CHARS * 2 })),
    html: Type.Optional(Type.String({ maxLength: MAX_HTML_CHARS * 2 })),
  },
  { additionalProperties: false, examples: [{ name: 'Login SMS', channel: 'sms', locale: 'en', body: '{code} is your {brand} login code. It expires in {minutes} minutes.' }] },
);

const TEMPLATE_EXAMPLE = {
  id: 'tpl_0oB79c4LwJLSSiQEjjoYm5',
  name: 'Login SMS',
  channel: 'sms',
  locale: 'en',
  body: '{code} is your {brand} login code. It expires in {minutes} minutes.',
  subject: null,
  html: null,
  created_at: '2026-04-28T14:05:37.000Z',
  updated_at: '2026-04-28T14:05:37.000Z',
};

const Template = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    channel: Type.String(),
    locale: Type.String(),
    body: Type.String(),
    subject: Type.Union([Type.String(), Type.Null()]),
    html: Type.Union([Type.String(), Type.Null()]),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { examples: [TEMPLATE_EXAMPLE] },
);
const TemplateList = Type.Object({ templates: Type.Array(Template) }, { examples: [{ templates: [TEMPLATE_EXAMPLE] }] });

const view = (t: TemplateTable) => ({ ...t, account_id: undefined, created_at: new Date(t.created_at).toISOString(), updated_at: new Date(t.updated_at).toISOString() });

function check(channel: MessageChannel, body: string, subject?: string, html?: string): void {
  const problemsFound = validateTemplate(channel, { body, ...(subject !== undefined ? { subject } : {}), ...(html !== undefined ? { html } : {}) });
  if (problemsFound.length) throw new AppError('INVALID_TEMPLATE', problemsFound.join('; '), { problems: problemsFound });
}

export function templateRoutes(store: TemplateStore, clock: Clock) {
  return async function routes(app: App): Promise<void> {
    const tags = [TAG.templates];
    app.post(
      '/v1/templates',
      {
        schema: {
          tags,
          summary: 'Create a message template',
          description:
            'A start names it (`template`) to send this text instead of the built-in one. The body must hold {code}; an email template also needs a subject, and its html must hold {code} too.',
          body: Body,
          response: { 201: Template, ...problems('INVALID_TEMPLATE') },
        },
      },
      async (req, reply) => {
        const b = req.body;
        check(b.channel, b.body, b.subject, b.html);
        const now = clock.now();
        const row: TemplateTable = {
          id: newId('tpl'),
          account_id: principalOf(req).accountId,
          name: b.name,
          channel: b.channel,
          locale: b.locale,
          body: b.body,
          subject: b.subject ?? null,
          html: b.html ?? null,
          created_at: now,
          updated_at: now,
        };
        await store.insert(row);
        return reply.code(201).send(view(row));
      },
    );

    app.get('/v1/templates', { schema: { tags, summary: 'List templates', response: { 200: TemplateList, ...problems() } } }, async (req) => ({
      templates: (await store.list(principalOf(req).accountId)).map(view),
    }));

    app.get('/v1/templates/:id', { schema: { tags, summary: 'Read a template', params: IdParam('tpl'), response: { 200: Template, ...problems('TEMPLATE_NOT_FOUND') } } }, async (req) => {
      const t = await store.get(principalOf(req).accountId, req.params.id);
      if (!t) throw new AppError('TEMPLATE_NOT_FOUND');
      return view(t);
    });

    app.put(
      '/v1/templates/:id',
      {
        schema: {
          tags,
          summary: 'Replace a template',
          description: 'Verifications started after the change send the new text.',
          params: IdParam('tpl'),
          body: Body,
          response: { 200: Template, ...problems('TEMPLATE_NOT_FOUND', 'INVALID_TEMPLATE') },
        },
      },
      async (req) => {
        const b = req.body;
        check(b.channel, b.body, b.subject, b.html);
        const accountId = principalOf(req).accountId;
        const ok = await store.update(accountId, req.params.id, {
          name: b.name,
          channel: b.channel,
          locale: b.locale,
          body: b.body,
          subject: b.subject ?? null,
          html: b.html ?? null,
          updated_at: clock.now(),
        });
        if (!ok) throw new AppError('TEMPLATE_NOT_FOUND');
        return view((await store.get(accountId, req.params.id)) as TemplateTable);
      },
    );

    app.delete(
      '/v1/templates/:id',
      { schema: { tags, summary: 'Delete a template', params: IdParam('tpl'), response: { 204: Type.Null(), ...problems('TEMPLATE_NOT_FOUND') } } },
      async (req, reply) => {
        if (!(await store.delete(principalOf(req).accountId, req.params.id))) throw new AppError('TEMPLATE_NOT_FOUND');
        return reply.code(204).send(null);
      },
    );
  };
}
