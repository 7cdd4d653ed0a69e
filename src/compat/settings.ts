import type { TObject } from 'typebox';
import { defineSettings, settingsOf, setting, type SettingsModule } from '../config/index.js';
import { CLARO_SETTINGS } from './claro/settings.js';
import { MESSAGECENTRAL_SETTINGS, MessageCentralSettingsSchema } from './messagecentral/settings.js';
import { SMSC_SETTINGS, SmscSettingsSchema } from './smsc/settings.js';
import { ZADARMA_SETTINGS, ZadarmaSettingsSchema } from './zadarma/settings.js';

/** The vendors whose settings are one JSON object in one variable, with that object's schema (printed by `verity vendors`). */
export const VENDOR_OBJECT_SETTINGS: ReadonlyArray<{ vendor: string; env: string; schema: TObject }> = [
  { vendor: 'smsc', env: 'COMPAT_SMSC', schema: SmscSettingsSchema },
  { vendor: 'zadarma', env: 'COMPAT_ZADARMA', schema: ZadarmaSettingsSchema },
  { vendor: 'messagecentral', env: 'COMPAT_MESSAGECENTRAL', schema: MessageCentralSettingsSchema },
];

/** Each vendor's own settings, in the order the documentation lists them. */
const VENDOR_SETTINGS = [CLARO_SETTINGS, SMSC_SETTINGS, ZADARMA_SETTINGS, MESSAGECENTRAL_SETTINGS] as const;
const VENDORS = VENDOR_SETTINGS.map((m) => m.vendor as string);

/** COMPAT_VENDORS, which names only vendors whose settings are here. */
export const COMPAT_VENDORS_SETTINGS = defineSettings({
  name: 'compat',
  after: 'silentRoutes',
  settings: {
    'compat.vendors': setting.list(
      {
        env: 'COMPAT_VENDORS',
        description:
          'Vendor APIs served for clients moving over (`claro`, `zadarma`, `smsc`, `messagecentral`); empty for none. Each answers at the vendor’s own paths with credentials from `POST /v1/compat/credentials`.',
      },
      ['claro', 'zadarma', 'smsc', 'messagecentral'],
    ),
  },
  check: (c) => c.compat.vendors.filter((v) => !VENDORS.includes(v)).map((v) => `COMPAT_VENDORS: unknown vendor "${v}"; one of ${VENDORS.join(', ')}`),
});

/** The compat settings modules, COMPAT_VENDORS first, for the composition root to register. */
export const COMPAT_SETTINGS: readonly SettingsModule[] = [COMPAT_VENDORS_SETTINGS, ...VENDOR_SETTINGS];

/** The vendor APIs' part of a loaded configuration, typed by the vendors' schemas. */
export function compatSettings(config: object) {
  return {
    vendors: settingsOf(config, COMPAT_VENDORS_SETTINGS).compat.vendors,
    claro: settingsOf(config, CLARO_SETTINGS).compat.claro,
    smsc: settingsOf(config, SMSC_SETTINGS).compat.smsc ?? {},
    zadarma: settingsOf(config, ZADARMA_SETTINGS).compat.zadarma ?? {},
    messagecentral: settingsOf(config, MESSAGECENTRAL_SETTINGS).compat.messagecentral ?? {},
  };
}
