import pg from 'pg';
import { StartupError } from '../lib/startup-error.js';
import { maskedDatabaseUrl } from './database-url.js';

/** How long boot waits for PostgreSQL to accept a connection. */
export const POSTGRES_CONNECT_TIMEOUT_MS = 10_000;

/** What went wrong, in the operator's terms, from the driver's or the server's error. */
function reason(err: Error & { code?: string }, url: string, timeoutMs: number): string {
  let target: URL | undefined;
  try {
    target = new URL(url);
  } catch {
    /* pg parses more spellings than URL does: fall back to the driver's words */
  }
  const where = target ? `${target.hostname}:${target.port || '5432'}` : 'the server';
  switch (err.code) {
    case 'ECONNREFUSED':
      return `nothing listens on ${where} (is PostgreSQL running, and are the host and port right?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host ${target?.hostname ?? ''} is not known`;
    case '28P01':
      return `${err.message} (check the user and password in DATABASE_URL)`;
    case '3D000':
      return `${err.message} (create it, or fix the name in DATABASE_URL)`;
  }
  if (/timeout/i.test(err.message)) return `no answer from ${where} within ${timeoutMs / 1000} s (a wrong host, or a firewall?)`;
  // pg's own words when the server asks for a password the URL does not carry.
  if (/SASL|password must be a string/i.test(err.message)) return 'the server asks for a password and DATABASE_URL has none';
  return err.message;
}

/**
 * Opens and closes one connection with a deadline, so that a wrong or unreachable DATABASE_URL
 * stops the boot with one line naming what failed, instead of a driver stack trace or a wait
 * without end (the pool itself has no connect timeout: under load a request waits for a client).
 */
export async function checkPostgres(url: string, timeoutMs = POSTGRES_CONNECT_TIMEOUT_MS): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    const e = err as Error & { code?: string };
    const password = (() => {
      try {
        return decodeURIComponent(new URL(url).password);
      } catch {
        return '';
      }
    })();
    const text = reason(e, url, timeoutMs);
    throw new StartupError(`cannot connect to PostgreSQL at ${maskedDatabaseUrl(url)}: ${password ? text.replaceAll(password, '***') : text}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
