import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { StartupError } from '../lib/startup-error.js';

/** How long boot waits for Redis to connect and answer a PING. */
export const REDIS_CONNECT_TIMEOUT_MS = 5_000;

/** A Redis URL fit to print: the password, if any, replaced by `***`. */
export function maskedRedisUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

/**
 * Connects to Redis and fails at boot when it does not answer: without this, ioredis keeps
 * retrying in the background and the server starts with limits that fail on every request.
 * Once connected, a lost connection is retried with backoff, logged once when lost and once when back.
 */
export async function connectRedis(url: string, log: Logger, timeoutMs = REDIS_CONNECT_TIMEOUT_MS): Promise<Redis> {
  let booted = false;
  let bootError: Error | undefined;
  let lost = false;
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 2,
    // No retries while booting: the first failure is the answer.
    retryStrategy: (times) => (booted ? Math.min(times * 200, 2_000) : null),
  });
  client.on('error', (err: Error) => {
    if (!booted) {
      bootError ??= err;
      return;
    }
    if (!lost) log.warn({ err: err.message }, 'redis unreachable; retrying');
    lost = true;
  });
  client.on('ready', () => {
    if (lost) log.info('redis reachable again');
    lost = false;
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    await Promise.race([client.connect().then(() => client.ping()), timeout]);
    // An error during the handshake (a refused SELECT or AUTH) does not always fail connect().
    if (bootError) throw bootError;
  } catch (err) {
    client.disconnect();
    const reason = (bootError ?? err) as Error;
    throw new StartupError(`cannot connect to Redis at ${maskedRedisUrl(url)}: ${reason.message}`);
  } finally {
    clearTimeout(timer);
  }
  booted = true;
  return client;
}
