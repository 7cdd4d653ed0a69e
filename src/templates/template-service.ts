import { AppError } from '../errors/index.js';
import type { Channel } from '../kernel/channel.js';
import { builtinTemplate, type Locale, MESSAGE_CHANNELS, type MessageChannel, type MessageTemplate, validateTemplate } from './index.js';
import type { TemplateStore } from './template-store.js';

/** What the rest of Verity asks of templates: the one to send for a step, the account's own or a built-in. */
export class TemplateService {
  constructor(private readonly store: TemplateStore) {}

  /**
   * The step's message template; null for the channels that send no templated message. `strict`
   * (a start that names the template) refuses a missing or unfit one; otherwise (a resend, a
   * workflow step) the built-in template for the channel and locale stands in.
   */
  async templateFor(accountId: string, templateId: string | null | undefined, step: Channel, locale: Locale, strict: boolean): Promise<MessageTemplate | null> {
    if (!(MESSAGE_CHANNELS as readonly string[]).includes(step)) {
      if (templateId && strict) throw new AppError('INVALID_TEMPLATE', `${step} does not use a message template`);
      return null;
    }
    const channel = step as MessageChannel;
    if (!templateId) return builtinTemplate(channel, locale);
    const t = await this.store.get(accountId, templateId);
    if (!t) {
      if (strict) throw new AppError('TEMPLATE_NOT_FOUND', `no template ${templateId}`);
      return builtinTemplate(channel, locale);
    }
    if (t.channel !== channel) {
      if (strict) throw new AppError('INVALID_TEMPLATE', `template ${templateId} is for ${t.channel}, not ${channel}`);
      return builtinTemplate(channel, locale);
    }
    const tpl: MessageTemplate = { body: t.body, ...(t.subject ? { subject: t.subject } : {}), ...(t.html ? { html: t.html } : {}) };
    return validateTemplate(channel, tpl).length === 0 ? tpl : builtinTemplate(channel, locale);
  }
}
