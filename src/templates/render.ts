import type { Locale, MessageChannel } from './channels.js';
import type { MessageTemplate } from './template.js';
import { escapeHtml } from './escape.js';

export interface RenderInput {
  template: MessageTemplate;
  channel: MessageChannel;
  code: string;
  brand: string;
  minutes: number;
  /** Templates are already localised; kept so callers pass one consistent context. */
  locale: Locale;
  /** sms only: appends the WebOTP origin-bound last line "@<domain> #<code>". */
  webotpDomain?: string | null;
  /** sms only: the 11-character Android SMS Retriever app hash. */
  androidAppHash?: string | null;
}

export interface RenderedMessage {
  text: string;
  subject?: string;
  html?: string;
}

type Values = Readonly<Record<'code' | 'brand' | 'minutes', string>>;

const PLACEHOLDER = /\{(code|brand|minutes)\}/g;
const ANDROID_APP_HASH = /^[A-Za-z0-9+/]{11}$/;
// A bare host name: no scheme, port or path may appear in the WebOTP line.
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

// One pass over the template, so a brand that itself contains "{code}" is inserted
// literally instead of being expanded by a later replacement.
function fill(text: string, values: Values): string {
  return text.replace(PLACEHOLDER, (_, name: keyof Values) => values[name]);
}

// Separating the digits makes a TTS engine read "1, 2, 3" with pauses instead of
// "one hundred twenty-three".
function spokenCode(code: string): string {
  return [...code].join(', ');
}

function smsSuffix(input: RenderInput): string {
  let suffix = '';
  const hash = input.androidAppHash?.trim();
  // A malformed hash would only confuse the reader; the SMS Retriever would not match it anyway.
  if (hash && ANDROID_APP_HASH.test(hash)) suffix += `\n${hash}`;
  const domain = input.webotpDomain?.trim().toLowerCase();
  // WebOTP requires this exact line to be last; an invalid host would make the line useless.
  if (domain && HOSTNAME.test(domain)) suffix += `\n\n@${domain} #${input.code}`;
  return suffix;
}

/** Pure: turns a template into the final texts. Does not validate the template. */
export function renderMessage(input: RenderInput): RenderedMessage {
  const { template, channel } = input;
  // No locale-aware grouping: a thousands separator such as U+202F would force UCS-2 SMS encoding.
  const minutes = String(input.minutes);
  const code = channel === 'voice' ? spokenCode(input.code) : input.code;
  const plain: Values = { code, brand: input.brand, minutes };

  const text = fill(template.body, plain);
  if (channel === 'sms') return { text: text + smsSuffix(input) };
  if (channel !== 'email') return { text };

  const rendered: RenderedMessage = { text };
  if (template.subject != null) {
    // A user-supplied brand with a line break must not split the subject header.
    rendered.subject = fill(template.subject, plain).replace(/[\r\n]+/g, ' ');
  }
  if (template.html != null) {
    const escaped: Values = { code: escapeHtml(code), brand: escapeHtml(input.brand), minutes };
    rendered.html = fill(template.html, escaped);
  }
  return rendered;
}
