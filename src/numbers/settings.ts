import { defineSettings } from '../config/index.js';
import { parseEntries } from './pool-entry.js';

/** INBOUND_NUMBERS is a JSON list to the configuration; what makes an entry valid is known here. */
export const INBOUND_NUMBERS_CHECK = defineSettings({
  name: 'numbers',
  settings: {},
  check: (c) => (Array.isArray(c.inboundNumbers) ? parseEntries(c.inboundNumbers, 'INBOUND_NUMBERS').problems : []),
});
