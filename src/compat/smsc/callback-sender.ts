import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { RetryingPost } from '../../outbound/retrying-post.js';
import type { WebhookEvent } from '../../events/webhook-events.js';
import type { VendorCredentials } from '../credentials/vendor-credentials.js';
import { callbackRequest } from './callback-request.js';
import type { SmscSettings } from './settings.js';

export interface SmscCallbackDeps {
  credentials: Pick<VendorCredentials, 'find'>;
  clock: Clock;
  log: Pick<Logger, 'warn'>;
}

const digits = (s: string) => s.replace(/[^0-9]/g, '');

/**
 * Tells the credential's handler (`callback_url` setting) that the subscriber called, for
 * each approved wait_call verification. Best effort: sent after the event, never inside a
 * request, retried with backoff on a failure or a non-2xx answer, then dropped with a warning.
 */
export class SmscCallbackSender {
  private readonly poster: RetryingPost;

  constructor(
    private readonly d: SmscCallbackDeps,
    private readonly s: SmscSettings,
  ) {
    this.poster = new RetryingPost({
      allowPrivate: s.allowPrivate,
      timeoutMs: s.callbackTimeoutMs,
      attempts: s.callbackAttempts,
      delayMs: (attempt) => s.callbackBackoffMs * 4 ** (attempt - 1),
    });
  }

  /** An event listener: never throws, never waits. */
  handle(e: WebhookEvent): void {
    if (e.type !== 'verification.approved') return;
    const meta = e.data.metadata as Record<string, unknown> | null | undefined;
    if (meta?.compat !== 'smsc' || typeof meta.login !== 'string') return;
    const id = String(e.data.id);
    // The approved verification still names the number that was called.
    const to = typeof e.data.call_to === 'string' ? e.data.call_to : '';
    this.notify(e, meta.login, id, to).catch((err: unknown) => this.d.log.warn({ err, verification_id: id }, 'smsc callback failed unexpectedly'));
  }

  async close(): Promise<void> {
    await this.poster.close();
  }

  private async notify(e: WebhookEvent, login: string, id: string, to: string): Promise<void> {
    const cred = await this.d.credentials.find('smsc', login);
    // A login revoked and issued again to another account is not the one that started this.
    const url = cred && cred.accountId === e.accountId ? cred.settings.callback_url : undefined;
    if (typeof url !== 'string' || !url) return;
    const req = callbackRequest(url, { id, phone: digits(String(e.data.to)), to: digits(to), at: this.d.clock.now() }, this.s);
    if (!req) return this.d.log.warn({ credential_id: cred?.id, verification_id: id }, 'smsc callback_url is not an http(s) URL');
    // Names as HTTP writes them: a PHP handler's getallheaders() keeps the sender's case and is read verbatim.
    const out = await this.poster.post(new URL(req.url), { headers: { 'Content-Type': req.contentType, 'User-Agent': 'Verity-SMSC' }, body: req.body });
    if (!out.ok) this.d.log.warn({ credential_id: cred?.id, verification_id: id, attempt: out.attempt, error: out.error }, 'smsc callback failed for good');
  }
}
