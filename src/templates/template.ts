import type { Locale, MessageChannel } from './channels.js';
import { builtinSet } from './builtins.js';

/** `subject` and `html` apply to email only. */
export interface MessageTemplate {
  body: string;
  subject?: string;
  html?: string;
}

export const PLACEHOLDERS = ['code', 'brand', 'minutes'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export const MAX_BODY_CHARS = 1_000;
export const MAX_SUBJECT_CHARS = 200;
export const MAX_HTML_CHARS = 20_000;

/**
 * Returns a fresh object each call so a caller that edits the result (e.g. to seed a
 * customisation form) cannot change the built-in for everyone else.
 */
export function builtinTemplate(channel: MessageChannel, locale: Locale): MessageTemplate {
  const set = builtinSet(locale);
  switch (channel) {
    case 'email':
      return { body: set.email.body, subject: set.email.subject, html: set.email.html };
    case 'voice':
      return { body: set.voice };
    // WhatsApp and RCS carry the same short text; their richer formats are not needed for a code.
    case 'sms':
    case 'whatsapp':
    case 'rcs':
      return { body: set.sms };
  }
}

// Only identifier-like tokens count as placeholder attempts: CSS such as `p { color: red }`
// in custom HTML is legitimate and must not be reported. Spaces inside the braces are matched
// so that a near miss like `{ code }` is reported rather than silently left unrendered.
const TOKEN = /\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}/g;

function isPlaceholder(name: string): name is Placeholder {
  return (PLACEHOLDERS as readonly string[]).includes(name);
}

function placeholderProblems(field: string, text: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(TOKEN)) {
    const token = match[0];
    const name = match[1] ?? '';
    if (seen.has(token)) continue;
    seen.add(token);
    if (isPlaceholder(name) && token === `{${name}}`) continue;
    const known = PLACEHOLDERS.find((p) => p === name.toLowerCase());
    const hint = known ? ` (did you mean {${known}}?)` : '';
    problems.push(`${field}: unknown placeholder ${token}${hint}; allowed: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`);
  }
  return problems;
}

// Counted in code points, not UTF-16 units, so an emoji or Cyrillic-heavy text is measured
// the way a person counting characters would.
function length(text: string): number {
  let n = 0;
  // Iterating avoids allocating an array for an oversized submission.
  for (const _ of text) n++;
  return n;
}

function checkField(problems: string[], field: string, value: unknown, max: number, needsCode: boolean): void {
  if (typeof value !== 'string') {
    problems.push(`${field} must be a string`);
    return;
  }
  const n = length(value);
  if (n > max) problems.push(`${field} is ${n} characters long; the maximum is ${max}`);
  if (needsCode && !value.includes('{code}')) problems.push(`${field} must contain {code}`);
  problems.push(...placeholderProblems(field, value));
}

/** Returns [] for a usable template, otherwise one human-readable line per problem. */
export function validateTemplate(channel: MessageChannel, t: MessageTemplate): string[] {
  const problems: string[] = [];
  // Templates arrive from JSON bodies and database rows, so the declared type is not trusted.
  if (typeof t !== 'object' || t === null) return ['template must be an object'];

  checkField(problems, 'body', t.body, MAX_BODY_CHARS, true);

  if (channel === 'email') {
    if (t.subject == null || (typeof t.subject === 'string' && t.subject.trim() === '')) {
      problems.push('subject is required for email');
    } else {
      checkField(problems, 'subject', t.subject, MAX_SUBJECT_CHARS, false);
      // A line break in a subject would let the text spill into other mail headers.
      if (typeof t.subject === 'string' && /[\r\n]/.test(t.subject)) {
        problems.push('subject must be a single line');
      }
    }
    // A recipient whose client shows the HTML part would otherwise never see the code.
    if (t.html != null) checkField(problems, 'html', t.html, MAX_HTML_CHARS, true);
  } else {
    if (t.subject != null) problems.push(`subject is only allowed for email, not ${channel}`);
    if (t.html != null) problems.push(`html is only allowed for email, not ${channel}`);
  }
  return problems;
}
