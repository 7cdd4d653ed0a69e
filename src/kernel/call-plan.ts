/**
 * What a call does, shared by the channels that plan calls, the outbox that carries them and the
 * telephony providers that place them. Types only; this file imports nothing.
 */

/** One thing a call says: text spoken by the provider's TTS in `locale`, or a sound fetched from its URL. */
export type PromptStep = { say: string; locale: string } | { play: string };

/**
 * What a call does once answered, step by step. Sounds are URLs the telephony provider fetches
 * (Verity serves uploaded sounds itself); text is spoken by the provider's TTS in `locale`.
 */
export type CallStep =
  | PromptStep
  /** Waits for one key; `prompt` plays while waiting; no key within `timeoutS` ends the gather empty. */
  | { gather: { timeoutS: number; prompt: PromptStep[] } }
  | { hangup: true };

/** What an outbound call does: the script, the caller id to show and how long it may ring. */
export interface CallPlan {
  /** E.164 caller id; null: the provider's configured number. */
  from: string | null;
  script: CallStep[];
  ringTimeoutS: number;
}
