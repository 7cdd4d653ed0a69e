import { defineSettings, setting } from '../config/index.js';
import { accountOf, type Principal } from '../http/types.js';

const COUNTRY = { pattern: '^[A-Z]{2}$' };
const AMOUNT = { pattern: '^\\d{1,12}(\\.\\d{1,6})?$', message: 'must be an amount such as 50 or 12.5' };
const cap = (env: string, what: string) =>
  setting.string({
    env,
    ...AMOUNT,
    description: `Spend cap, server default: the most an account may spend ${what}, in its own currency (priced from its price book); unset: no cap. Accounts may set their own.`,
  });

/** Fraud and cost control's server-wide defaults (src/fraud); accounts and services refine them over the API. */
export const FRAUD_SETTINGS = defineSettings({
  name: 'fraud',
  settings: {
    'fraud.mode': setting.oneOf(
      {
        env: 'FRAUD_MODE',
        description:
          'The pumping rules: `enforce` refuses a start to a paid channel whose risk score reaches FRAUD_THRESHOLD (`FRAUD_SUSPECTED`); `shadow` scores and counts the same decisions and refuses nothing; `off` does not score.',
      },
      ['off', 'shadow', 'enforce'],
      'enforce',
    ),
    'fraud.threshold': setting.int({ env: 'FRAUD_THRESHOLD', minimum: 1, maximum: 100, description: 'The pumping rules: the risk score (0–100) at which a start is refused.' }, 60),
    'fraud.blockDurations': setting.list(
      {
        env: 'FRAUD_BLOCK_DURATIONS',
        item: { pattern: '^[1-9][0-9]{0,4}[smhd]$' },
        minItems: 1,
        description: 'The pumping rules: how long a prefix is blocked when refusals into it keep coming, the first time, then when it recurs within a week (the last for every time after).',
      },
      ['15m', '1h', '24h'],
    ),
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
    'fraud.spendHourly': cap('FRAUD_SPEND_HOURLY', 'in an hour (UTC)'),
    'fraud.spendDaily': cap('FRAUD_SPEND_DAILY', 'in a day (UTC)'),
    'fraud.spendMonthly': cap('FRAUD_SPEND_MONTHLY', 'in a calendar month (UTC)'),
    'fraud.spendCountryDaily': cap('FRAUD_SPEND_COUNTRY_DAILY', 'on one destination country in a day (UTC)'),
    'fraud.spendSoftPercent': setting.int(
      { env: 'FRAUD_SPEND_SOFT_PERCENT', minimum: 1, maximum: 100, description: 'Spend caps: the share of a cap at which a `spend.threshold` webhook is sent, once per period.' },
      80,
    ),
  },
});

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** `15m` → 900000. */
export const durationMs = (d: string): number => Number(d.slice(0, -1)) * (UNIT_MS[d.slice(-1)] as number);

/** The account a fraud settings request is about: the caller's own, or another's for an operator key. */
export const fraudAccount = (caller: Principal, account: string | undefined): string => accountOf(caller, account, 'read or change another account’s fraud settings');
