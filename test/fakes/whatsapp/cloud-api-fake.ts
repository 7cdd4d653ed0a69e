/**
 * The WhatsApp Cloud API as documented for authentication templates
 * (https://developers.facebook.com/docs/whatsapp/business-management-api/authentication-templates/copy-code-button-authentication-templates):
 * POST /{version}/{phone-number-id}/messages with a Bearer token and a JSON template message whose
 * body and copy-code button both carry the code. Answers `{messaging_product, contacts, messages:[{id}]}`,
 * errors as `{error: {message, type, code, error_data, fbtrace_id}}`.
 */
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { ReceivedMessage } from '../../contracts/message-provider-contract.js';
import { expectWire, RefusalQueue, startFake, WireError, type FakeReply, type FakeServer, type SeenRequest } from '../fake-server.js';

export interface WhatsAppFake extends FakeServer {
  received: ReceivedMessage[];
  violations: string[];
  refuseNext(kind: 'permanent' | 'temporary'): void;
  replyNext(reply: FakeReply | 'hang'): void;
}

// The preset text of a copy-code authentication template, as WhatsApp renders it per language.
const PRESET: Record<string, (code: string) => string> = {
  en_US: (c) => `${c} is your verification code.`,
  pt_BR: (c) => `${c} é seu código de verificação.`,
  es: (c) => `${c} es tu código de verificación.`,
  ru: (c) => `${c} — ваш код подтверждения.`,
  id: (c) => `${c} adalah kode verifikasi Anda.`,
};

export function metaError(status: number, code: number, message: string): FakeReply {
  return {
    status,
    json: { error: { message, type: 'OAuthException', code, error_data: { messaging_product: 'whatsapp', details: message }, fbtrace_id: randomBytes(8).toString('base64url') } },
  };
}

export async function startWhatsAppFake(opts: { version: string; phoneNumberId: string; token: string; templateName: string }): Promise<WhatsAppFake> {
  const refusals = new RefusalQueue();
  const scripted: Array<FakeReply | 'hang'> = [];
  const received: ReceivedMessage[] = [];
  const violations: string[] = [];

  const handle = (req: SeenRequest): FakeReply | 'hang' => {
    if (req.path !== `/${opts.version}/${opts.phoneNumberId}/messages` || req.method !== 'POST') {
      return metaError(400, 100, 'Unsupported post request.');
    }
    if (req.headers.authorization !== `Bearer ${opts.token}`) return metaError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
    const next = scripted.shift();
    if (next) return next;
    try {
      expectWire(req.headers['content-type'] === 'application/json', `content-type ${req.headers['content-type']}`);
      const body = JSON.parse(req.body) as { to?: unknown; template?: { language?: { code?: unknown }; components?: Array<{ parameters?: Array<{ text?: unknown }> }> } };
      const to = String(body.to);
      const language = String(body.template?.language?.code);
      const code = String(body.template?.components?.[0]?.parameters?.[0]?.text);
      expectWire(/^[1-9][0-9]{6,14}$/.test(to), 'to must be the number in digits');
      expectWire(Object.hasOwn(PRESET, language), `language ${language}`);
      expectWire(code.length > 0 && code.length <= 15, 'the code parameter is missing or over 15 characters');
      const expected = {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to,
        type: 'template',
        template: {
          name: opts.templateName,
          language: { code: language },
          components: [
            { type: 'body', parameters: [{ type: 'text', text: code }] },
            { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: code }] },
          ],
        },
      };
      expectWire(isDeepStrictEqual(body, expected), `not a copy-code authentication template message: ${req.body}`);
      const refusal = refusals.take();
      if (refusal === 'permanent') return metaError(400, 131026, 'Message undeliverable');
      if (refusal === 'temporary') return metaError(429, 130429, '(#130429) Rate limit hit');
      received.push({ to: `+${to}`, text: (PRESET[language] as (c: string) => string)(code) });
      return { status: 200, json: { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: `wamid.${randomBytes(24).toString('base64url')}` }] } };
    } catch (err) {
      if (!(err instanceof WireError) && !(err instanceof SyntaxError)) throw err;
      violations.push(err.message);
      return metaError(400, 100, '(#100) Invalid parameter');
    }
  };

  const server = await startFake(handle);
  return Object.assign(server, {
    received,
    violations,
    refuseNext: (kind: 'permanent' | 'temporary') => refusals.push(kind),
    replyNext: (reply: FakeReply | 'hang') => void scripted.push(reply),
  });
}
