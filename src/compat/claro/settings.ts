import { defineSettings, setting } from '../../config/index.js';

/** Claro SMV's settings, read from the environment as COMPAT_CLARO_*. */
export const CLARO_SETTINGS = defineSettings({
  name: 'claro',
  vendor: 'claro',
  after: 'compat.vendors',
  settings: {
    'compat.claro.customerIds': setting.list({ env: 'COMPAT_CLARO_CUSTOMER_IDS', description: 'Claro SMV: `X-CustomerID` values accepted; any other answers 403.' }, ['claro']),
    'compat.claro.toleranceS': setting.int(
      {
        env: 'COMPAT_CLARO_TOLERANCE_S',
        minimum: 0,
        maximum: 86_400,
        description: 'Claro SMV: how far either side of the request’s timestamp a data session may start or end (Claro’s Java sample sends a float timestamp, good to about 128 s).',
      },
      300,
    ),
    'compat.claro.tokenTtlS': setting.int({ env: 'COMPAT_CLARO_TOKEN_TTL_S', minimum: 60, description: 'Claro SMV: lifetime of an access token from `/oauth2/v1/token`, seconds.' }, 3599),
  },
});
