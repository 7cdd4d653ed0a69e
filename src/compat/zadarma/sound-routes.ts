import { createHash } from 'node:crypto';
import type { CompatDeps } from '../compat-deps.js';
import type { ZadarmaCall } from './endpoint.js';
import { invalid, required, ZadarmaError } from './errors.js';
import type { ZadarmaSettings } from './settings.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: a sound's name may hold any character but the control ones, which is what this says.
const NAME = /^[^\u0000-\u001f\u007f]{1,100}$/;
const SOUND_ID = /^snd_[0-9A-Za-z]{1,40}$/;
const MAX_LISTED = 1000;

/** Zadarma lists a PBX id with the sounds; an account has one PBX here, numbered from its id. */
function pbxId(accountId: string): number {
  return Number.parseInt(createHash('sha1').update(accountId).digest('hex').slice(0, 7), 16);
}

/** `/v1/pbx/ivr/sounds/*` over Verity's sounds: the ids listed are the ids call_button takes. */
export function soundHandlers(deps: Pick<CompatDeps, 'sounds'>, s: ZadarmaSettings) {
  return {
    async list({ credential }: ZadarmaCall): Promise<Record<string, unknown>> {
      const sounds = (await deps.sounds.list(credential.accountId, { limit: MAX_LISTED })).map((p) => ({ id: p.id, name: p.name }));
      return { status: 'success', pbx_id: pbxId(credential.accountId), sounds };
    },

    /** Multipart `name` and `file`, as the PHP SDK sends a CURLFile; the content decides the format. */
    async upload({ wire, credential }: ZadarmaCall): Promise<Record<string, unknown>> {
      const file = wire.files.find((f) => f.field === 'file') ?? (wire.files.length === 1 ? wire.files[0] : undefined);
      if (!file) throw required('file');
      const name = wire.params.get('name')?.trim() || file.filename.trim();
      if (!name) throw required('name');
      if (!NAME.test(name)) throw invalid('name');
      const added = await deps.sounds.upload(credential.accountId, name, file.bytes, { maxBytes: s.soundMaxBytes, maxDurationS: s.soundMaxDurationS, maxPerAccount: s.soundsPerAccount });
      if ('refused' in added) {
        if (added.refused === 'too_large') throw new ZadarmaError(`File is too large: at most ${s.soundMaxBytes} bytes`);
        if (added.refused === 'invalid') throw new ZadarmaError(`Wrong file format: ${added.detail}`);
        throw new ZadarmaError(`Too many sounds: at most ${s.soundsPerAccount}`);
      }
      return { status: 'success' };
    },

    async remove({ wire, credential }: ZadarmaCall): Promise<Record<string, unknown>> {
      const id = wire.params.get('id')?.trim();
      if (!id) throw required('id');
      if (!SOUND_ID.test(id) || !(await deps.sounds.delete(credential.accountId, id))) throw new ZadarmaError('Sound not found');
      return { status: 'success' };
    },
  };
}
