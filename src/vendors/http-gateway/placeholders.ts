/** The values a template can name, for one message. */
export interface TemplateValues {
  to: string;
  to_digits: string;
  text: string;
  code: string;
  sender: string;
  message_id: string;
  channel: string;
  callback_url: string;
}

const VARIABLES: ReadonlySet<string> = new Set<keyof TemplateValues>(['to', 'to_digits', 'text', 'code', 'sender', 'message_id', 'channel', 'callback_url']);

// `{name}` or `{secret.NAME}`; any other brace (a literal `{`, JSON in a string) is left alone.
const PLACEHOLDER = /\{([a-z_]+)(?:\.([A-Za-z0-9_-]+))?\}/g;

export type Encode = (value: string) => string;

/** A checked template: render it with the values of one message and an encoder for its context. */
export type Template = (values: TemplateValues, encode: Encode) => string;

export const asIs: Encode = (v) => v;

/** The message values a template names ({to}, {text}, …); `{secret.NAME}` is not one. */
export function variablesIn(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].filter(([, name, sub]) => !(name === 'secret' && sub !== undefined)).map(([, name]) => name ?? '');
}

/**
 * Compiles a template once, at start-up, so a typo ({too}) or an unknown secret fails at boot
 * instead of sending a message with the placeholder in it. Throws a message naming `where`.
 */
export function compileTemplate(template: string, secrets: Readonly<Record<string, string>>, where: string): Template {
  for (const [, name, sub] of template.matchAll(PLACEHOLDER)) {
    if (name === 'secret' && sub !== undefined) {
      if (!Object.hasOwn(secrets, sub)) throw new Error(`${where} uses {secret.${sub}}, which is not in secrets`);
    } else if (sub !== undefined || !VARIABLES.has(name ?? '')) {
      throw new Error(`${where} uses an unknown placeholder {${name}${sub ? `.${sub}` : ''}}`);
    }
  }
  return (values, encode) =>
    template.replace(PLACEHOLDER, (_, name: string, sub: string | undefined) =>
      // Secrets are the operator's own values: encoded like the rest so a `&` in one cannot split a query.
      encode(sub !== undefined ? (secrets[sub] ?? '') : values[name as keyof TemplateValues]),
    );
}
