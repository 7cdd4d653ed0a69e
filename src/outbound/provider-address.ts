import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { AdapterAddress as ProviderAddress } from '../kernel/adapter.js';
import { hostOf } from './outbound-guard.js';

/** The host of a URL option; throws naming the option (never its value) when it is not a URL. */
export function urlAddress(option: string, url: string | undefined): ProviderAddress {
  const host = url === undefined ? undefined : hostOf(url);
  if (host === undefined || host === '') throw new Error(`${option} is not a valid URL`);
  return { option, host };
}

/** The host of a URL option, its schema's default when the options leave it out (a vendor's `baseUrl`). */
export function urlOptionAddress(schema: TSchema, options: object, option: string): ProviderAddress {
  const filled = Value.Default(schema, structuredClone(options)) as Record<string, unknown>;
  const url = filled[option];
  return urlAddress(option, typeof url === 'string' ? url : undefined);
}
