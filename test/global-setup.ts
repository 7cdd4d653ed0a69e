import { DEFAULT_POSTGRES_ADMIN_URL, DEFAULT_REDIS_URL, prepareLocalServices } from './helpers/local-services.js';

/**
 * Runs once before the test workers start; they inherit process.env, so the URLs set here reach
 * every suite. See prepareLocalServices.
 */
export default async function setup(): Promise<() => Promise<void>> {
  return prepareLocalServices({
    env: process.env,
    postgresAdminUrl: DEFAULT_POSTGRES_ADMIN_URL,
    redisUrl: DEFAULT_REDIS_URL,
    notice: (line) => console.warn(line),
  });
}
