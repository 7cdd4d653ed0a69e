import type { CallStep, PromptStep } from '../../../calls/call-provider.js';
import { ttsLanguage } from '../../tts-language.js';

export type NccoAction =
  | { action: 'talk'; text: string; language: string; bargeIn?: boolean }
  | { action: 'stream'; streamUrl: string[]; bargeIn?: boolean }
  | { action: 'input'; type: ['dtmf']; dtmf: { maxDigits: 1; timeOut: number }; eventUrl: string[]; eventMethod: 'POST' }
  | { action: 'wait'; timeout: number };

// Vonage waits at most 10 seconds for a key (dtmf.timeOut 0–10).
const MAX_DTMF_TIMEOUT_S = 10;

/**
 * The NCCO for a call script. It stops at the first gather or hangup: Vonage replaces the rest of
 * the NCCO with whatever the input's eventUrl answers (an empty NCCO, which ends the call), and a
 * call whose NCCO runs out of actions ends. An NCCO needs at least one action, so a script with
 * nothing to say (a flash call, which nobody should answer) waits the shortest documented 0.1 s.
 */
export function scriptNcco(script: readonly CallStep[], gatherUrl: string): NccoAction[] {
  const ncco: NccoAction[] = [];
  for (const step of script) {
    if ('hangup' in step) break;
    if ('gather' in step) {
      ncco.push(...prompt(step.gather.prompt), input(step.gather.timeoutS, gatherUrl));
      break;
    }
    ncco.push(action(step));
  }
  return ncco.length > 0 ? ncco : [{ action: 'wait', timeout: 0.1 }];
}

/**
 * The prompt, interruptible by a key press. Vonage requires the action after a bargeIn talk (or
 * stream) that is not another talk (stream) to be the input, so only the run of same-kind actions
 * right before the input may barge in; an earlier sound of the other kind plays through.
 */
function prompt(steps: readonly PromptStep[]): NccoAction[] {
  const actions = steps.map(action);
  const last = actions.at(-1)?.action;
  for (let i = actions.length - 1; i >= 0; i--) {
    const a = actions[i];
    if (!a || a.action !== last || (a.action !== 'talk' && a.action !== 'stream')) break;
    a.bargeIn = true;
  }
  return actions;
}

function input(timeoutS: number, eventUrl: string): NccoAction {
  const timeOut = Math.min(MAX_DTMF_TIMEOUT_S, Math.max(0, Math.round(timeoutS)));
  return { action: 'input', type: ['dtmf'], dtmf: { maxDigits: 1, timeOut }, eventUrl: [eventUrl], eventMethod: 'POST' };
}

function action(step: PromptStep): NccoAction & { action: 'talk' | 'stream' } {
  if ('play' in step) return { action: 'stream', streamUrl: [step.play] };
  return { action: 'talk', text: step.say, language: ttsLanguage(step.locale) };
}
