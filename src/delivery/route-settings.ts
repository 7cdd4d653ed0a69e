import { defineSettings } from '../config/index.js';
import { DELIVERED_CHANNELS } from '../kernel/channel.js';

// The channels a provider delivers; reverse_call and silent are not routed.
const CHANNEL_NAMES: readonly string[] = DELIVERED_CHANNELS;

/** ROUTES' shape is the configuration's; which channels a rule may name is delivery's. */
export const ROUTE_CHANNELS_CHECK = defineSettings({
  name: 'routes',
  settings: {},
  check: (c) =>
    (Array.isArray(c.routes) ? (c.routes as unknown[]) : []).flatMap((r, i) => {
      const channel = (r as { channel?: unknown } | null)?.channel;
      return typeof channel === 'string' && !CHANNEL_NAMES.includes(channel) ? [`ROUTES[${i}].channel must be one of ${CHANNEL_NAMES.join(', ')}`] : [];
    }),
});
