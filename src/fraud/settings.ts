import { defineSettings, setting } from '../config/index.js';

const COUNTRY = { pattern: '^[A-Z]{2}$' };

/** Fraud and cost control's server-wide defaults (src/fraud); accounts and services refine them over the API. */
export const FRAUD_SETTINGS = defineSettings({
  name: 'fraud',
  settings: {
    'fraud.geoAllow': setting.list(
      {
        env: 'FRAUD_GEO_ALLOW',
        item: COUNTRY,
        description: 'Geo permissions, server default: when set, only these countries (ISO 3166 alpha-2, upper case) may receive messages; accounts and services may override.',
      },
      [],
    ),
    'fraud.geoBlock': setting.list(
      {
        env: 'FRAUD_GEO_BLOCK',
        item: COUNTRY,
        description: 'Geo permissions, server default: countries (ISO 3166 alpha-2, upper case) that may not receive messages; accounts and services may override.',
      },
      [],
    ),
  },
});
