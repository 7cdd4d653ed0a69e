import { validateTemplate } from '../../templates/index.js';
import type { StartInput } from '../../verifications/verification-service.js';
import type { VendorCredential } from '../credentials/vendor-credentials.js';
import { invalid, required, ZadarmaError } from './errors.js';

export type ZadarmaChannel = 'sms' | 'call_code' | 'call_button' | 'email';

// call_code reads the code aloud (Verity's voice); call_button asks for 1 (Verity's ivr).
const CHANNELS: Record<ZadarmaChannel, 'sms' | 'voice' | 'ivr' | 'email'> = { sms: 'sms', call_code: 'voice', call_button: 'ivr', email: 'email' };

// Zadarma's languages Verity has a translation for; de, pl, ua and fr get the service's default.
const LANGUAGES: ReadonlyMap<string, string> = new Map([
  ['en', 'en'],
  ['es', 'es'],
  ['ru', 'ru'],
]);

const SOUND_ID = /^snd_[0-9A-Za-z]{1,40}$/;
const TEMPLATE_ID = /^tpl_[0-9A-Za-z]{1,40}$/;
const CODE_PLACEHOLDER = '{#code#}';

export function isZadarmaChannel(c: string | undefined): c is ZadarmaChannel {
  return c !== undefined && Object.hasOwn(CHANNELS, c);
}

/** Zadarma numbers come with `+`, with `00`, or bare (`442037691880`); Verity wants `+`. */
function phone(to: string): string {
  const t = to.trim();
  if (/^00[1-9]/.test(t)) return `+${t.slice(2)}`;
  return /^[1-9][0-9]{5,}$/.test(t) ? `+${t}` : t;
}

function text(params: Map<string, string>, name: string, max: number): string | undefined {
  const v = params.get(name)?.trim();
  if (v === undefined || v === '') return undefined;
  if (v.length > max) throw invalid(name);
  return v;
}

/**
 * Zadarma's template ids are numbers; a credential maps one to a Verity template with a setting
 * `template_<id>`. A Verity template id is taken as it is.
 */
function template(settings: Record<string, unknown>, id: string): string {
  if (TEMPLATE_ID.test(id)) return id;
  const mapped = /^[0-9]{1,12}$/.test(id) ? settings[`template_${id}`] : undefined;
  if (typeof mapped !== 'string' || !TEMPLATE_ID.test(mapped)) throw new ZadarmaError('Template not found');
  return mapped;
}

/**
 * `POST /v1/verify/` params as Verity's start input. Params a channel does not use are ignored,
 * as Zadarma does. An email's `email_subject` and `email_body` (with `{#code#}`) are the message
 * sent; without a body, the credential's `email_template` setting or the built-in email is used.
 */
export function startInput(channel: ZadarmaChannel, params: Map<string, string>, cred: VendorCredential): StartInput {
  const rawTo = params.get('to')?.trim();
  if (!rawTo) throw required('to');
  const code = text(params, 'code', 10);
  if (code !== undefined && !/^[0-9]+$/.test(code)) throw invalid('code');
  const language = text(params, 'language', 35)?.toLowerCase();
  const from = text(params, 'from', 64);
  const metadata: Record<string, unknown> = { compat: 'zadarma', key: cred.login, channel };
  const input: StartInput = { to: channel === 'email' ? rawTo : phone(rawTo), channel: CHANNELS[channel], code, locale: language && LANGUAGES.get(language), metadata };
  switch (channel) {
    case 'sms': {
      input.sender = text(params, 'caller_id', 64);
      const t = text(params, 'template_id', 64);
      if (t !== undefined) input.template = template(cred.settings, t);
      break;
    }
    case 'call_code':
      input.sender = from;
      break;
    case 'email': {
      input.sender = from;
      const body = params.get('email_body');
      if (body !== undefined && body !== '' && !body.includes(CODE_PLACEHOLDER)) throw invalid('email_body');
      const subject = text(params, 'email_subject', 200);
      const t = cred.settings.email_template;
      if (body) {
        input.content = { subject, body: body.replaceAll(CODE_PLACEHOLDER, '{code}') };
        // Checked here as the template it becomes, so a refusal names Zadarma's parameter.
        if (validateTemplate('email', { body: input.content.body, subject: subject ?? 'subject' }).length > 0) throw invalid('email_body');
      } else if (typeof t === 'string' && TEMPLATE_ID.test(t)) input.template = t;
      break;
    }
    case 'call_button': {
      input.sender = from;
      input.code = undefined;
      if (from) metadata.from = from;
      const sound = (name: string) => {
        const id = text(params, name, 64);
        if (id === undefined) throw required(name);
        if (!SOUND_ID.test(id)) throw new ZadarmaError('Sound not found');
        return id;
      };
      input.ivr = { greeting_sound: sound('greeting_sound_id'), confirm_sound: sound('button_1_sound_id'), fallback_sound: sound('fallback_sound_id') };
      break;
    }
  }
  return input;
}
