import type { Locale } from '../templates/index.js';
import type { CallPlan, CallStep, PromptStep } from '../kernel/call-plan.js';
import { ivrPromptText, type IvrPromptKind } from './ivr-prompts.js';

export type { CallPlan } from '../kernel/call-plan.js';

/**
 * An IVR verification's own prompts, each an uploaded sound (`snd_…`) or text spoken by the
 * provider's TTS; absent: the built-in text in the verification's locale.
 */
export interface IvrPrompts {
  greeting_sound?: string | undefined;
  greeting_text?: string | undefined;
  confirm_sound?: string | undefined;
  confirm_text?: string | undefined;
  fallback_sound?: string | undefined;
  fallback_text?: string | undefined;
}

export interface CallTiming {
  /** How long a voice or IVR call rings before it counts as unanswered. */
  ringS: number;
  /** How long a flash call rings before it is dropped (it is never meant to be answered). */
  flashRingS: number;
  /** How long the IVR waits for a key after its greeting. */
  gatherS: number;
}

export interface PromptContext {
  locale: Locale;
  brand: string;
  /** The URL a provider fetches an uploaded sound from. */
  soundUrl: (id: string) => string;
}

/** The voice channel: the message text (it reads the code twice, digit by digit). */
export function voicePlan(text: string, locale: Locale, timing: CallTiming): CallPlan {
  return { from: null, script: [{ say: text, locale }, { hangup: true }], ringTimeoutS: timing.ringS };
}

/** The IVR: the greeting while waiting for one key. What follows the key is `ivrFollowUp`. */
export function ivrPlan(prompts: IvrPrompts, ctx: PromptContext, timing: CallTiming): CallPlan {
  return { from: null, script: [{ gather: { timeoutS: timing.gatherS, prompt: [prompt('greeting', prompts, ctx)] } }], ringTimeoutS: timing.ringS };
}

/** After the key: the confirmation, or the fallback for any other key; then the call ends. */
export function ivrFollowUp(confirmed: boolean, prompts: IvrPrompts, ctx: PromptContext): CallStep[] {
  return [prompt(confirmed ? 'confirm' : 'fallback', prompts, ctx), { hangup: true }];
}

/** A flash call: rings from the caller id that carries the code, and says nothing if answered. */
export function flashPlan(cli: string, timing: CallTiming): CallPlan {
  return { from: cli, script: [{ hangup: true }], ringTimeoutS: timing.flashRingS };
}

function prompt(kind: IvrPromptKind, p: IvrPrompts, ctx: PromptContext): PromptStep {
  const sound = p[`${kind}_sound`];
  if (sound) return { play: ctx.soundUrl(sound) };
  return { say: p[`${kind}_text`] ?? ivrPromptText(kind, ctx.locale, ctx.brand), locale: ctx.locale };
}
