import type { Pdu, Session } from 'smpp';
import { ProviderError } from '../../kernel/provider-errors.js';
import { ESME, submitError } from './status.js';

export interface WindowSettings {
  windowSize: number;
  responseTimeoutMs: number;
  connectTimeoutMs: number;
}

interface Job {
  params: Record<string, unknown>;
  resolve(messageId: string): void;
  reject(err: ProviderError): void;
  /** Armed while the link is down: how long this job still waits for it. */
  linkWait?: NodeJS.Timeout | undefined;
}

interface Outstanding {
  job: Job;
  timer: NodeJS.Timeout;
}

/**
 * The submit_sm flow over the current session: at most `windowSize` submits await their response,
 * the rest queue in order. A job is only ever written once; whatever happens to it after that is
 * reported to its caller, never retried here, so an acknowledged message cannot be sent twice.
 */
export class SubmitWindow {
  private session: Session | undefined;
  private readonly queue: Job[] = [];
  private readonly outstanding = new Set<Outstanding>();

  constructor(
    private readonly s: WindowSettings,
    /** Why the link is down, for the CONNECTION_FAILED a waiting job ends with. */
    private readonly linkFailure: () => Error | undefined,
  ) {}

  /** Resolves with the submit_sm_resp message_id; rejects with a ProviderError. */
  submit(params: Record<string, unknown>): Promise<string> {
    return new Promise((resolve, reject) => {
      const job: Job = { params, resolve, reject };
      this.queue.push(job);
      if (!this.session) this.waitForLink(job);
      this.pump();
    });
  }

  linkUp(session: Session): void {
    this.session = session;
    for (const job of this.queue) {
      clearTimeout(job.linkWait);
      job.linkWait = undefined;
    }
    this.pump();
  }

  /** The session is gone: a submit written on it may or may not have reached the SMSC. */
  linkDown(reason: Error): void {
    this.session = undefined;
    for (const o of this.outstanding) {
      clearTimeout(o.timer);
      o.job.reject(new ProviderError('CONNECTION_LOST', 'SMPP link lost before submit_sm_resp', reason));
    }
    this.outstanding.clear();
    for (const job of this.queue) this.waitForLink(job);
  }

  /** Fails every job not yet written (the provider is closing). */
  abandon(err: ProviderError): void {
    for (const job of this.queue.splice(0)) {
      clearTimeout(job.linkWait);
      job.reject(err);
    }
  }

  private waitForLink(job: Job): void {
    job.linkWait ??= setTimeout(() => {
      const at = this.queue.indexOf(job);
      if (at < 0) return;
      this.queue.splice(at, 1);
      const msg = `SMPP link not up within ${this.s.connectTimeoutMs} ms`;
      job.reject(new ProviderError('CONNECTION_FAILED', msg, this.linkFailure()));
    }, this.s.connectTimeoutMs);
  }

  private pump(): void {
    while (this.session && this.outstanding.size < this.s.windowSize && this.queue.length > 0) {
      const job = this.queue.shift() as Job;
      if (!this.write(this.session, job)) {
        // The socket is closing: nothing was sent, so the job waits for the next session.
        this.queue.unshift(job);
        this.session = undefined;
        this.waitForLink(job);
        return;
      }
    }
  }

  private write(session: Session, job: Job): boolean {
    const o: Outstanding = {
      job,
      timer: setTimeout(() => {
        if (!this.outstanding.delete(o)) return;
        job.reject(new ProviderError('TIMEOUT', `no submit_sm_resp within ${this.s.responseTimeoutMs} ms`));
        this.pump();
      }, this.s.responseTimeoutMs),
    };
    const sent = session.submit_sm(job.params, (resp: Pdu) => {
      // A response after the timeout or the link loss: the caller was already told.
      if (!this.outstanding.delete(o)) return;
      clearTimeout(o.timer);
      if (resp.command_status === ESME.ROK) job.resolve(String(resp.message_id ?? ''));
      else job.reject(submitError(resp.command_status));
      this.pump();
    });
    if (sent) this.outstanding.add(o);
    else clearTimeout(o.timer);
    return sent;
  }
}
