import addressparser from 'nodemailer/lib/addressparser';

export interface Mailbox {
  name: string;
  address: string;
}

// The WHATWG "valid e-mail address" grammar, the one recipients are normalized with.
const ADDRESS = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;
// A BCP 47 tag (`pt-BR`, `zh-Hant-TW`): anything else would be a header we cannot vouch for.
const LANGUAGE_TAG = /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/;

/** One mailbox (`a@b.example` or `"Name" <a@b.example>`), or null when the text is anything else. */
export function parseMailbox(text: string): Mailbox | null {
  if (/[\r\n]/.test(text)) return null;
  const parsed = addressparser(text);
  const only = parsed.length === 1 ? parsed[0] : undefined;
  if (!only || only.group !== undefined || only.address.length > 254 || !ADDRESS.test(only.address)) return null;
  return { name: only.name, address: only.address };
}

/** The subject asked for, else the first line of the text (what a phone shows as the preview). */
export function subjectOf(subject: string | undefined, text: string): string {
  const given = subject?.trim();
  if (given) return given;
  const firstLine = text.split(/\r?\n/).find((line) => line.trim() !== '');
  return (firstLine ?? '').trim().slice(0, 200);
}

export function contentLanguage(locale: string): string | undefined {
  return LANGUAGE_TAG.test(locale) && locale.length <= 35 ? locale : undefined;
}

/**
 * `<message id@sending domain>`: the same for every retry of one message, so a receiver that
 * got the first try after all can tell the second is a duplicate.
 */
export function messageIdFor(messageId: string, from: Mailbox): string {
  const local = messageId.replace(/[^A-Za-z0-9._-]/g, '-') || 'message';
  const domain = from.address.slice(from.address.lastIndexOf('@') + 1).toLowerCase();
  return `<${local}@${domain}>`;
}
