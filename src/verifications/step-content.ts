import { flashPlan, ivrPlan, voicePlan, type CallPlan, type CallTiming, type IvrPrompts } from '../calls/call-script.js';
import { ivrPromptText } from '../calls/ivr-prompts.js';
import { renderMessage, type Locale, type MessageChannel, type MessageTemplate } from '../templates/index.js';
import type { Channel } from '../kernel/channel.js';

export interface StepContentInput {
  channel: Channel;
  /** The message template, for the channels that have one. */
  template: MessageTemplate | null;
  code: string;
  brand: string;
  minutes: number;
  locale: Locale;
  webotpDomain: string | null;
  androidAppHash: string | null;
  ivr: IvrPrompts | undefined;
  /** The flash call's caller id (it carries the code). */
  flashCli: string | undefined;
  timing: CallTiming;
  soundUrl: (id: string) => string;
}

export interface StepContent {
  text: string;
  subject?: string | undefined;
  html?: string | undefined;
  call?: CallPlan | undefined;
}

/**
 * What a delivered step sends: the rendered message, and for the call channels the call plan.
 * The text of a call is what the dev inbox and the attempt log show for it.
 */
export function stepContent(i: StepContentInput): StepContent {
  if (i.channel === 'ivr') {
    const prompts = i.ivr ?? {};
    return { text: prompts.greeting_text ?? ivrPromptText('greeting', i.locale, i.brand), call: ivrPlan(prompts, { locale: i.locale, brand: i.brand, soundUrl: i.soundUrl }, i.timing) };
  }
  if (i.channel === 'flash_call') {
    if (!i.flashCli) throw new Error('a flash call step without its caller id');
    return { text: `Missed call from ${i.flashCli}`, call: flashPlan(i.flashCli, i.timing) };
  }
  if (!i.template) throw new Error(`no template for ${i.channel}`);
  const rendered = renderMessage({
    template: i.template,
    channel: i.channel as MessageChannel,
    code: i.code,
    brand: i.brand,
    minutes: i.minutes,
    locale: i.locale,
    webotpDomain: i.webotpDomain,
    androidAppHash: i.androidAppHash,
  });
  return i.channel === 'voice' ? { ...rendered, call: voicePlan(rendered.text, i.locale, i.timing) } : rendered;
}
