import type { CallStep, PromptStep } from '../../../calls/call-provider.js';
import { ttsLanguage } from '../../tts-language.js';

export interface TwimlContext {
  voices: Readonly<Record<string, string>>;
  /** Where the gather result goes (`…?event=gather&call=<id>`). */
  gatherUrl: string;
}

/** Answers that end a call: after a gather, and to an inbound call (rejected unanswered, so free). */
export const HANGUP_TWIML = '<Response><Hangup/></Response>';
export const REJECT_TWIML = '<Response><Reject reason="busy"/></Response>';

/**
 * The inline TwiML for a call script. Rendering stops at the first gather or hangup: once a
 * <Gather> with `actionOnEmptyResult` finishes, key or no key, Twilio continues with the TwiML its
 * action URL answers (a hangup) and never comes back to the verbs after it. The trailing <Hangup/>
 * ends a call whose script simply runs out, and is what a flash call that gets answered hears.
 */
export function scriptTwiml(script: readonly CallStep[], ctx: TwimlContext): string {
  let body = '';
  for (const step of script) {
    if ('hangup' in step) break;
    if ('gather' in step) {
      body += gather(step.gather.timeoutS, step.gather.prompt, ctx);
      break;
    }
    body += prompt(step, ctx);
  }
  return `<Response>${body}<Hangup/></Response>`;
}

function gather(timeoutS: number, steps: readonly PromptStep[], ctx: TwimlContext): string {
  // Twilio takes a positive whole number of seconds.
  const timeout = Math.max(1, Math.round(timeoutS));
  const attrs = `input="dtmf" numDigits="1" timeout="${timeout}" action="${escapeXml(ctx.gatherUrl)}" method="POST" actionOnEmptyResult="true"`;
  return `<Gather ${attrs}>${steps.map((s) => prompt(s, ctx)).join('')}</Gather>`;
}

function prompt(step: PromptStep, ctx: TwimlContext): string {
  if ('play' in step) return `<Play>${escapeXml(step.play)}</Play>`;
  const language = ttsLanguage(step.locale);
  const voice = ctx.voices[language];
  return `<Say language="${language}"${voice ? ` voice="${escapeXml(voice)}"` : ''}>${escapeXml(step.say)}</Say>`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}
