import { TAG } from '../http/reference.js';
import { Type } from 'typebox';
import { problems, Timestamp } from '../http/schemas.js';
import { principalOf, type App } from '../http/types.js';
import type { InboxStore } from './inbox-store.js';

const Message = Type.Object({
  id: Type.String(),
  verification_id: Type.String(),
  channel: Type.String(),
  to: Type.String(),
  text: Type.String(),
  subject: Type.Union([Type.String(), Type.Null()]),
  html: Type.Union([Type.String(), Type.Null()]),
  code: Type.String(),
  outcome: Type.String({ description: 'delivered, or the outcome a magic test destination forces (undeliverable…)' }),
  created_at: Timestamp,
});

const Inbox = Type.Object(
  { messages: Type.Array(Message) },
  {
    examples: [
      {
        messages: [
          {
            id: 'sbx_0oB7BnPBoJ12coh0yR9Ams',
            verification_id: 'ver_0oB7BnP7gs9hcTZhhUVPZX',
            channel: 'sms',
            to: '+14155550100',
            text: 'Your Acme verification code is 482913. It expires in 10 minutes. Do not share it with anyone.',
            subject: null,
            html: null,
            code: '482913',
            outcome: 'delivered',
            created_at: '2026-05-04T10:15:00.004Z',
          },
        ],
      },
    ],
  },
);

/**
 * The inbox is keyed by the normalized destination. A `+` in a query string arrives as a space
 * unless it was encoded, and people paste numbers with spaces and dashes: accept all of those.
 */
function inboxAddress(raw: string): string {
  const t = raw.trim().toLowerCase();
  return t.includes('@') ? t : `+${t.replace(/[^0-9]/g, '')}`;
}

export function sandboxRoutes(inbox: InboxStore) {
  return async function routes(app: App): Promise<void> {
    app.get(
      '/v1/sandbox/messages',
      {
        schema: {
          tags: [TAG.sandbox],
          summary: 'The dev inbox: messages the sandbox provider delivered for this account, newest first',
          description: 'Each message with its code in the clear, so a test can read the code a verification sent and check it.',
          querystring: Type.Object({
            to: Type.Optional(Type.String({ minLength: 1, maxLength: 254, description: 'Only messages to this phone number (spaces, dashes and a missing + are fine) or email address' })),
            limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]?|1[0-9]{2}|200)$', description: '1 to 200, default 20' })),
          }),
          response: { 200: Inbox, ...problems() },
        },
      },
      async (req) => {
        const q = req.query;
        const rows = await inbox.list(principalOf(req).accountId, { ...(q.to ? { to: inboxAddress(q.to) } : {}), limit: q.limit ? Number(q.limit) : 20 });
        return { messages: rows.map((r) => ({ ...r, created_at: new Date(r.created_at).toISOString() })) };
      },
    );
  };
}
