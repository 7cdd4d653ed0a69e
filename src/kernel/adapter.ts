/**
 * One adapter kind of any family (message providers, call providers, silent resolvers): its
 * options schema, its secret options and its factory, and the one routine that builds configured
 * entries from them. This file imports none of the features, so every family can use it.
 */
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';

/** A host one option makes an adapter connect to (an SMTP `host`, the host of `baseUrl`). */
export interface AdapterAddress {
  option: string;
  host: string;
}

export interface AdapterDefinition<Options, Instance, Context> {
  /** The kind a configuration entry names (`smpp`, `twilio-voice`, `claro-smv`). */
  type: string;
  /** TypeBox schema of the options, defaults included: validated at boot and on the API before `create`. */
  options: TSchema;
  /** Option keys that are secrets: never logged, write-only on an API, sealed at rest. */
  secrets: readonly string[];
  /** Throws an Error naming the bad option when the options cannot work together. */
  create(options: Options, ctx: Context): Instance;
}

/** An adapter whose options name hosts it connects to, which the outbound guard checks when an account saves it. */
export interface AddressedAdapterDefinition<Options, Instance, Context> extends AdapterDefinition<Options, Instance, Context> {
  /**
   * Every host the options (defaults filled in) make the adapter connect to. Throws an Error
   * naming the option when one cannot be read.
   */
  addresses(options: Options): AdapterAddress[];
}

/** The most schema problems reported for one entry: enough to fix it, short enough to read. */
const MAX_PROBLEMS = 5;

/**
 * Options with the definition's defaults filled in, and what its schema refuses (as `/path
 * message`); the values themselves never appear, since they may be secrets.
 */
export function checkAdapterOptions(def: { options: TSchema }, options: Record<string, unknown>): { options: Record<string, unknown>; problems: string[] } {
  const withDefaults = Value.Default(def.options, structuredClone(options)) as Record<string, unknown>;
  const problems = [...Value.Errors(def.options, withDefaults)].slice(0, MAX_PROBLEMS).map((e) => `${e.instancePath || '/'} ${e.message}`);
  return { options: withDefaults, problems };
}

/** One configured adapter: where it is in the configuration (`PROVIDERS[2]`), its name, kind and options. */
export interface AdapterEntry {
  where: string;
  name: string;
  type: unknown;
  options: Record<string, unknown>;
}

export interface AdapterBuild<Instance, Entry extends AdapterEntry = AdapterEntry> {
  /** The instances built, in entry order, each with its entry. */
  built: Array<{ entry: Entry; instance: Instance }>;
  /** Every problem of every entry, as `WHERE[i] (name): problem`; empty when all were built. */
  problems: string[];
}

/**
 * Checks every entry against its definition's schema and creates the ones that pass. Nothing
 * stops at the first problem: the caller reports them all at once, like the rest of the
 * configuration. A factory's refusal is a problem of its entry too.
 */
export function buildAdapters<Instance, Context, Entry extends AdapterEntry = AdapterEntry>(
  entries: readonly Entry[],
  types: ReadonlyMap<string, AdapterDefinition<never, Instance, Context>>,
  how: { context(entry: Entry): Context; unknownType(type: unknown): string },
): AdapterBuild<Instance, Entry> {
  const built: AdapterBuild<Instance, Entry>['built'] = [];
  const problems: string[] = [];
  for (const entry of entries) {
    const at = `${entry.where} (${entry.name})`;
    const def = typeof entry.type === 'string' ? types.get(entry.type) : undefined;
    if (!def) {
      problems.push(`${at}: ${how.unknownType(entry.type)}`);
      continue;
    }
    const checked = checkAdapterOptions(def, entry.options);
    if (checked.problems.length > 0) {
      for (const p of checked.problems) problems.push(`${at}: ${p}`);
      continue;
    }
    try {
      built.push({ entry, instance: def.create(checked.options as never, how.context(entry)) });
    } catch (err) {
      problems.push(`${at}: ${err instanceof Error ? err.message : 'the options were refused'}`);
    }
  }
  return { built, problems };
}
