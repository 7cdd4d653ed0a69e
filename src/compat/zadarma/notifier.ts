import type { WebhookEvent } from '../../events/webhook-events.js';
import { RetryingPost } from '../../outbound/retrying-post.js';
import type { CompatDeps } from '../compat-deps.js';
import { callOutcome, notification, type CallOutcome } from './notify-payload.js';
import { checkNotifyUrl, notifyUrl } from './notify-url.js';
import type { NotifyEvent, ZadarmaSettings } from './settings.js';

/**
 * Sends call_button results to the notify URL of the credential that started them, as Zadarma's
 * NOTIFY_END (or NOTIFY_OUT_END) form POST with its `Signature` header. Best effort: a few tries
 * with doubling waits, off the request path, and nothing survives a restart.
 */
export class ZadarmaNotifier {
  private closed = false;
  /** URLs that echoed zd_echo back, so the check runs once per URL and process. */
  private readonly echoed = new Set<string>();
  private readonly poster: RetryingPost;

  constructor(
    private readonly deps: Pick<CompatDeps, 'credentials' | 'log'>,
    private readonly s: ZadarmaSettings,
  ) {
    this.poster = new RetryingPost({
      allowPrivate: s.allowPrivate,
      timeoutMs: s.notifyTimeoutMs,
      attempts: s.notifyAttempts,
      delayMs: (attempt) => s.notifyRetryDelayMs * 2 ** (attempt - 1),
    });
  }

  /** The event listener: returns at once; the sending happens after. */
  readonly onEvent = (e: WebhookEvent): void => {
    if (this.closed) return;
    const outcome = callOutcome(e);
    if (!outcome) return;
    const key = (e.data.metadata as { key?: unknown }).key;
    if (typeof key !== 'string') return;
    this.deliver(e.accountId, key, outcome).catch((err: unknown) => this.deps.log.warn({ err: err instanceof Error ? err.name : 'error' }, 'zadarma notification failed'));
  };

  async close(): Promise<void> {
    this.closed = true;
    await this.poster.close();
  }

  private async deliver(accountId: string, key: string, outcome: CallOutcome): Promise<void> {
    const cred = await this.deps.credentials.find('zadarma', key);
    // A credential revoked (or never this account's) takes its notifications with it.
    if (!cred || cred.accountId !== accountId) return;
    const url = notifyUrl(cred.settings.notify_url);
    if (!url) return;
    const event: NotifyEvent = cred.settings.notify_event === 'NOTIFY_OUT_END' || cred.settings.notify_event === 'NOTIFY_END' ? cred.settings.notify_event : this.s.notifyEvent;
    const n = notification(event, outcome, cred.secret, { timeZone: this.s.notifyTimeZone, internal: this.s.notifyInternal });
    const where = { credential: cred.id, host: url.host };
    if (this.s.notifyEchoCheck && !this.echoed.has(url.href)) {
      const check = await checkNotifyUrl(url.href, this.s.notifyTimeoutMs, this.s.allowPrivate, this.poster.agent);
      if (!check.ok) return void this.deps.log.warn({ ...where, problem: check.problem }, 'zadarma notify_url failed its zd_echo check; notification dropped');
      this.echoed.add(url.href);
    }
    // Spelled as Zadarma does: PHP's getallheaders() keeps the sender's case, and the SDK reads ['Signature'].
    const headers = { 'Content-Type': 'application/x-www-form-urlencoded', Signature: n.signature };
    await this.poster.post(url, { headers, body: n.body }, (f) => this.deps.log.warn({ ...where, attempt: f.attempt, status: f.status }, 'zadarma notification not accepted'));
  }
}
