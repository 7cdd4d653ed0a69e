import type { Logger } from 'pino';

/**
 * Runs `tick` (one batch; returns how many rows it took) until it finds nothing, then sleeps until
 * the next row falls due or `pollMs`, whichever is sooner. `wake()` cuts the sleep short when this
 * instance has just queued something. Timers are unref'd: the loop never holds the process open.
 */
export class PollLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly tick: () => Promise<number>,
    private readonly nextDue: () => Promise<number | undefined>,
    private readonly now: () => number,
    private readonly pollMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Works until nothing is due now, and says how many rows it took (tests and shutdown use it). */
  async drain(): Promise<number> {
    await this.running;
    let total = 0;
    for (;;) {
      const n = await this.tick();
      total += n;
      if (n === 0) return total;
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.loop().finally(() => {
        this.running = undefined;
      });
    }, ms);
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    let wait = this.pollMs;
    try {
      do {
        this.again = false;
        while (!this.stopped && (await this.tick()) > 0);
      } while (this.again && !this.stopped);
      const next = await this.nextDue();
      if (next !== undefined) wait = Math.min(wait, Math.max(10, next - this.now()));
    } catch (err) {
      this.log.error({ err }, `${this.name} tick failed`);
    }
    this.schedule(wait);
  }
}
