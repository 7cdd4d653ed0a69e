import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LOCALES, MESSAGE_CHANNELS, builtinTemplate, renderMessage, resolveLocale, validateTemplate } from './index.js';
import type { Locale, MessageChannel, RenderInput } from './index.js';

const KNOWN_PLACEHOLDER = /\{(code|brand|minutes)\}/;

function input(overrides: Partial<RenderInput> & Pick<RenderInput, 'channel'>): RenderInput {
  return {
    template: builtinTemplate(overrides.channel, overrides.locale ?? 'en'),
    code: '123456',
    brand: 'Acme',
    minutes: 10,
    locale: 'en',
    ...overrides,
  };
}

const combos: Array<[MessageChannel, Locale]> = MESSAGE_CHANNELS.flatMap((c) => LOCALES.map((l): [MessageChannel, Locale] => [c, l]));

describe('built-in templates', () => {
  it('cover all 25 channel × locale combinations', () => {
    expect(combos).toHaveLength(25);
  });

  it.each(combos)('%s/%s passes validation', (channel, locale) => {
    expect(validateTemplate(channel, builtinTemplate(channel, locale))).toEqual([]);
  });

  it.each(combos)('%s/%s names brand and minutes and leaves no known placeholder', (channel, locale) => {
    const out = renderMessage(input({ channel, locale, brand: 'Acme', minutes: 17 }));
    for (const part of [out.text, out.subject, out.html]) {
      if (part !== undefined) expect(part).not.toMatch(KNOWN_PLACEHOLDER);
    }
    expect(out.text).toContain('Acme');
    expect(out.text).toContain('17');
    if (channel === 'email') {
      expect(out.subject).toContain('Acme');
      expect(out.html).toContain('Acme');
      expect(out.html).toContain('123456');
      expect(out.html).toContain(`lang="${locale}"`);
    } else {
      expect(out.subject).toBeUndefined();
      expect(out.html).toBeUndefined();
    }
  });

  it('returns a fresh object so edits by a caller do not leak into the built-in', () => {
    const t = builtinTemplate('sms', 'en');
    t.body = 'changed {code}';
    expect(builtinTemplate('sms', 'en').body).not.toBe('changed {code}');
  });

  it('keeps English and Indonesian SMS texts ASCII so they fit the GSM-7 alphabet', () => {
    for (const locale of ['en', 'id'] as const) {
      expect(builtinTemplate('sms', locale).body).toMatch(/^[\x20-\x7e]*$/);
    }
  });

  it('uses the example English SMS wording', () => {
    expect(renderMessage(input({ channel: 'sms' })).text).toBe('Your Acme verification code is 123456. It expires in 10 minutes. Do not share it with anyone.');
  });
});

describe('voice rendering', () => {
  it.each(LOCALES)('%s reads the code digit by digit, twice', (locale) => {
    const { text } = renderMessage(input({ channel: 'voice', locale, code: '123456' }));
    const spoken = '1, 2, 3, 4, 5, 6';
    expect(text.split(spoken)).toHaveLength(3);
    expect(text).not.toContain('123456');
  });
});

describe('sms suffixes', () => {
  const hash = 'FA+9qCX9VSu';

  it('ends with a blank line then exactly "@<domain> #<code>" for WebOTP', () => {
    const { text } = renderMessage(input({ channel: 'sms', webotpDomain: 'verify.example.com' }));
    const lines = text.split('\n');
    expect(lines.at(-1)).toBe('@verify.example.com #123456');
    expect(lines.at(-2)).toBe('');
  });

  it('puts the Android hash on its own line after the body', () => {
    const plain = renderMessage(input({ channel: 'sms' })).text;
    const { text } = renderMessage(input({ channel: 'sms', androidAppHash: hash }));
    expect(text).toBe(`${plain}\n${hash}`);
  });

  it('places the hash line before the WebOTP line when both are given', () => {
    const { text } = renderMessage(input({ channel: 'sms', androidAppHash: hash, webotpDomain: 'example.com' }));
    expect(text.endsWith(`\n${hash}\n\n@example.com #123456`)).toBe(true);
  });

  it('ignores a malformed Android hash and an invalid WebOTP domain', () => {
    const plain = renderMessage(input({ channel: 'sms' })).text;
    for (const androidAppHash of ['short', 'FA+9qCX9VSu!', 'FA-9qCX9VSuX']) {
      expect(renderMessage(input({ channel: 'sms', androidAppHash })).text).toBe(plain);
    }
    for (const webotpDomain of ['https://example.com', 'example.com:443', 'bad host', '']) {
      expect(renderMessage(input({ channel: 'sms', webotpDomain })).text).toBe(plain);
    }
  });

  it.each(['whatsapp', 'rcs', 'voice', 'email'] as const)('adds no suffix on %s', (channel) => {
    const plain = renderMessage(input({ channel })).text;
    const withSuffix = renderMessage(input({ channel, androidAppHash: hash, webotpDomain: 'example.com' })).text;
    expect(withSuffix).toBe(plain);
  });
});

describe('email rendering', () => {
  const brand = '<b>&"';

  it('escapes brand and code in HTML but not in plain text or subject', () => {
    const out = renderMessage(input({ channel: 'email', brand, code: '<i>1' }));
    expect(out.html).toContain('&lt;b&gt;&amp;&quot;');
    expect(out.html).toContain('&lt;i&gt;1');
    expect(out.html).not.toContain('<b>');
    expect(out.html).not.toContain('<i>');
    expect(out.text).toContain(brand);
    expect(out.subject).toContain(brand);
  });

  it('never lets an arbitrary brand inject markup into the HTML', () => {
    const template = { body: '{code}', subject: 's', html: '<p>{brand} {code}</p>' };
    fc.assert(
      fc.property(fc.string(), (b) => {
        const html = renderMessage(input({ channel: 'email', template, brand: b })).html ?? '';
        const inner = html.slice('<p>'.length, -'</p>'.length);
        expect(inner).not.toMatch(/[<>"']/);
      }),
    );
  });

  it('inserts a brand containing "{code}" literally', () => {
    const out = renderMessage(input({ channel: 'sms', brand: '{code}' }));
    expect(out.text).toContain('Your {code} verification code is 123456');
  });

  it('keeps the subject on one line when the brand contains a line break', () => {
    const out = renderMessage(input({ channel: 'email', brand: 'Evil\r\nBcc: x@example.com' }));
    expect(out.subject).not.toMatch(/[\r\n]/);
  });

  it('leaves unknown placeholders untouched', () => {
    const template = { body: 'Hi {name}, code {code}' };
    expect(renderMessage(input({ channel: 'sms', template })).text).toBe('Hi {name}, code 123456');
  });
});

describe('resolveLocale', () => {
  it.each([
    ['pt', 'pt-BR'],
    ['pt-br', 'pt-BR'],
    ['pt-PT', 'pt-BR'],
    ['PT_br', 'pt-BR'],
    ['es-MX', 'es'],
    ['en-GB', 'en'],
    ['ru-RU', 'ru'],
    ['in', 'id'],
    ['id-ID', 'id'],
    ['ID', 'id'],
    ['fr-FR,ru;q=0.8', 'ru'],
  ] as const)('maps %s to %s', (requested, expected) => {
    expect(resolveLocale(requested, 'en')).toBe(expected);
  });

  it.each([undefined, null, '', '  ', 'fr', 'zh-Hans-CN', 'constructor', '*'])('falls back for %j', (requested) => {
    expect(resolveLocale(requested, 'es')).toBe('es');
  });
});

describe('validateTemplate', () => {
  it('rejects a body without {code}', () => {
    const problems = validateTemplate('sms', { body: 'Your code from {brand}' });
    expect(problems).toEqual(['body must contain {code}']);
  });

  it('rejects unknown placeholders and near misses', () => {
    const problems = validateTemplate('sms', { body: '{code} {name} { code } {Brand}' });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toContain('{name}');
    expect(problems.join('\n')).toContain('{ code } (did you mean {code}?)');
    expect(problems.join('\n')).toContain('{Brand} (did you mean {brand}?)');
  });

  it('does not mistake CSS rules in custom HTML for placeholders', () => {
    const html = '<style>p { color: red }</style><p>{code}</p>';
    expect(validateTemplate('email', { body: '{code}', subject: 'Code', html })).toEqual([]);
  });

  it('rejects overlong body, subject and html', () => {
    const problems = validateTemplate('email', {
      body: `{code}${'x'.repeat(995)}`,
      subject: 's'.repeat(201),
      html: `{code}${'h'.repeat(19_995)}`,
    });
    expect(problems).toEqual(['body is 1001 characters long; the maximum is 1000', 'subject is 201 characters long; the maximum is 200', 'html is 20001 characters long; the maximum is 20000']);
  });

  it('accepts a body of exactly 1,000 characters, counting emoji as one each', () => {
    expect(validateTemplate('sms', { body: `{code}${'😀'.repeat(994)}` })).toEqual([]);
  });

  it('rejects subject and html on sms and other non-email channels', () => {
    expect(validateTemplate('sms', { body: '{code}', subject: 'Hi' })).toEqual(['subject is only allowed for email, not sms']);
    expect(validateTemplate('voice', { body: '{code}', html: '<p>{code}</p>' })).toEqual(['html is only allowed for email, not voice']);
  });

  it('requires a single-line subject for email and {code} in its HTML', () => {
    expect(validateTemplate('email', { body: '{code}' })).toEqual(['subject is required for email']);
    expect(validateTemplate('email', { body: '{code}', subject: 'a\nb' })).toEqual(['subject must be a single line']);
    expect(validateTemplate('email', { body: '{code}', subject: 's', html: '<p></p>' })).toEqual(['html must contain {code}']);
  });
});
