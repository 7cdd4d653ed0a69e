import type { Logger } from 'pino';
import { request, type Agent } from 'undici';
import type { Clock } from '../../lib/clock.js';
import { guardedAgent, refuseLiteral } from '../../webhooks/ssrf-guard.js';
import type { WebhookEvent } from '../../webhooks/webhook-events.js';
import type { VendorCredentials } from '../credentials/vendor-credentials.js';
import { callbackRequest, type CallbackRequest } from './callback-request.js';
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
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly agent: Agent;
  private closed = false;

  constructor(
    private readonly d: SmscCallbackDeps,
    private readonly s: SmscSettings,
  ) {
    this.agent = guardedAgent(s.allowPrivate, s.callbackTimeoutMs);
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
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.agent.close();
  }

  private async notify(e: WebhookEvent, login: string, id: string, to: string): Promise<void> {
    const cred = await this.d.credentials.find('smsc', login);
    // A login revoked and issued again to another account is not the one that started this.
    const url = cred && cred.accountId === e.accountId ? cred.settings.callback_url : undefined;
    if (typeof url !== 'string' || !url) return;
    const req = callbackRequest(url, { id, phone: digits(String(e.data.to)), to: digits(to), at: this.d.clock.now() }, this.s);
    if (!req) return this.d.log.warn({ credential_id: cred?.id, verification_id: id }, 'smsc callback_url is not an http(s) URL');
    await this.deliver(req, 1, { credential_id: cred?.id, verification_id: id });
  }

  private async deliver(req: CallbackRequest, attempt: number, ctx: Record<string, unknown>): Promise<void> {
    if (this.closed) return;
    let error: string | undefined;
    try {
      refuseLiteral(new URL(req.url), this.s.allowPrivate);
      const res = await request(req.url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { 'content-type': req.contentType, 'user-agent': 'Verity-SMSC' },
        body: req.body,
        signal: AbortSignal.timeout(this.s.callbackTimeoutMs),
      });
      await res.body.dump();
      if (res.statusCode >= 200 && res.statusCode < 300) return;
      error = `HTTP_${res.statusCode}`;
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
      error = code === 'EADDRBLOCKED' ? 'ADDRESS_NOT_ALLOWED' : 'CONNECTION_FAILED';
    }
    if (attempt >= this.s.callbackAttempts || error === 'ADDRESS_NOT_ALLOWED' || this.closed) {
      this.d.log.warn({ ...ctx, attempt, error }, 'smsc callback failed for good');
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.deliver(req, attempt + 1, ctx);
    }, this.s.callbackBackoffMs * 4 ** (attempt - 1));
    timer.unref();
    this.timers.add(timer);
  }
}
