export { MESSAGE_CHANNELS, LOCALES, LocaleSchema, resolveLocale } from './channels.js';
export type { MessageChannel, Locale } from './channels.js';
export {
  PLACEHOLDERS,
  MAX_BODY_CHARS,
  MAX_SUBJECT_CHARS,
  MAX_HTML_CHARS,
  builtinTemplate,
  validateTemplate,
} from './template.js';
export type { MessageTemplate, Placeholder } from './template.js';
export { renderMessage } from './render.js';
export type { RenderInput, RenderedMessage } from './render.js';
export { escapeHtml } from './escape.js';
