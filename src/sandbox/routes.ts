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
  outcome: Type.String(),
  created_at: Timestamp,
});

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
          tags: ['sandbox'],
          summary: 'The dev inbox: messages the sandbox provider delivered for this account, newest first',
          querystring: Type.Object({
            to: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
            limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]?|1[0-9]{2}|200)$', description: '1 to 200, default 20' })),
          }),
          response: { 200: Type.Object({ messages: Type.Array(Message) }), ...problems() },
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
