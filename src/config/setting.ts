import { Type, type Static, type TLiteral, type TObject, type TPartial, type TSchema, type TUndefined, type TUnion } from 'typebox';

/**
 * How a setting is written in the environment, which only holds strings: the loader turns the
 * text into the schema's type this way (a config file may give the typed value directly).
 */
export type SettingKind = 'string' | 'int' | 'bool' | 'list' | 'rule' | 'magic' | 'json';

/** What a setting carries besides its JSON Schema: where it is read from and how it is written. */
export interface SettingMeta {
  'x-env': string;
  'x-kind': SettingKind;
  /** Holds a secret: never echoed back in a problem. */
  'x-secret'?: boolean;
  /** An older environment variable and config-file key still read for this setting; the new ones win. */
  'x-alias'?: { env: string; key: string };
  /** Replaces the generic sentence when the value breaks the schema (for rules a bound cannot say). */
  'x-message'?: string;
  /** Read only from the environment, never from the config file (VERITY_CONFIG itself). */
  'x-env-only'?: boolean;
  /** A JSON setting whose strings and numbers are converted to the schema's types (`"55"` ↔ `55`). */
  'x-convert'?: boolean;
  default?: unknown;
  description?: string;
}

export interface SettingOptions {
  env: string;
  description: string;
  secret?: boolean;
  alias?: { env: string; key: string };
  message?: string;
  envOnly?: boolean;
}

/** A setting is its value's schema with the metadata above; without a default it may be absent. */
export type Setting<T extends TSchema = TSchema> = T & SettingMeta;
type Optional<T extends TSchema> = Setting<TUnion<[T, TUndefined]>>;

function meta(kind: SettingKind, o: SettingOptions): SettingMeta & { description: string } {
  // Bounds and patterns are the schema's; only what is not JSON Schema is kept here.
  return {
    'x-env': o.env,
    'x-kind': kind,
    description: o.description,
    ...(o.secret ? { 'x-secret': true } : {}),
    ...(o.alias ? { 'x-alias': o.alias } : {}),
    ...(o.message ? { 'x-message': o.message } : {}),
    ...(o.envOnly ? { 'x-env-only': true } : {}),
  };
}

/** The schema a present value must meet (an optional setting wraps it in a union with undefined). */
export function valueSchema(s: Setting): TSchema {
  return 'x-optional' in s ? ((s as unknown as { anyOf: TSchema[] }).anyOf[0] as TSchema) : s;
}

function optional<T extends TSchema>(kind: SettingKind, schema: T, o: SettingOptions): Optional<T> {
  return Type.Union([schema, Type.Undefined()], { ...meta(kind, o), 'x-optional': true }) as unknown as Optional<T>;
}

function required<T extends TSchema>(kind: SettingKind, schema: T, o: SettingOptions, dflt: unknown): Setting<T> {
  return { ...schema, ...meta(kind, o), default: dflt } as Setting<T>;
}

type Bounds = { minimum?: number; maximum?: number };
type StringRules = { pattern?: string; minLength?: number };

export const RuleSchema = Type.Object({
  points: Type.Integer({ minimum: 0 }),
  durationSec: Type.Integer({ minimum: 1 }),
  /** How the limit counts (src/limits/limiter.ts); unset: the setting's default, else `fixed`. */
  window: Type.Optional(Type.Union([Type.Literal('fixed'), Type.Literal('sliding')])),
});
export const MagicSchema = Type.Array(
  Type.Object({
    to: Type.String({ minLength: 1 }),
    code: Type.String({ pattern: '^\\d{4,10}$' }),
    outcome: Type.Union([Type.Literal('delivered'), Type.Literal('undeliverable')]),
  }),
);

/**
 * The setting builders: `int(o, 8080)` has a default and is always a number; `int(o)` may be
 * unset. Bounds, patterns and enums are the JSON Schema's own keywords.
 */
export const setting = {
  string: ((o: SettingOptions & StringRules, dflt?: string) => {
    const { pattern, minLength } = o;
    const s = Type.String({ ...(pattern ? { pattern } : {}), ...(minLength ? { minLength } : {}) });
    return dflt === undefined ? optional('string', s, o) : required('string', s, o, dflt);
  }) as {
    (o: SettingOptions & StringRules, dflt: string): Setting<ReturnType<typeof Type.String>>;
    (o: SettingOptions & StringRules): Optional<ReturnType<typeof Type.String>>;
  },
  oneOf: <const V extends readonly [string, ...string[]]>(o: SettingOptions, values: V, dflt: V[number]) =>
    required('string', Type.Union(values.map((v) => Type.Literal(v)) as unknown as [TLiteral<V[number]>, ...TLiteral<V[number]>[]]), o, dflt),
  int: ((o: SettingOptions & Bounds, dflt?: number) => {
    const s = Type.Integer({ ...(o.minimum !== undefined ? { minimum: o.minimum } : {}), ...(o.maximum !== undefined ? { maximum: o.maximum } : {}) });
    return dflt === undefined ? optional('int', s, o) : required('int', s, o, dflt);
  }) as {
    (o: SettingOptions & Bounds, dflt: number): Setting<ReturnType<typeof Type.Integer>>;
    (o: SettingOptions & Bounds): Optional<ReturnType<typeof Type.Integer>>;
  },
  bool: (o: SettingOptions, dflt: boolean) => required('bool', Type.Boolean(), o, dflt),
  list: ((o: SettingOptions & { item?: StringRules; minItems?: number }, dflt?: string[]) => {
    const s = Type.Array(Type.String(o.item ?? {}), o.minItems !== undefined ? { minItems: o.minItems } : {});
    return dflt === undefined ? optional('list', s, o) : required('list', s, o, dflt);
  }) as {
    (o: SettingOptions & { item?: StringRules; minItems?: number }, dflt: string[]): Setting<ReturnType<typeof Type.Array<ReturnType<typeof Type.String>>>>;
    (o: SettingOptions & { item?: StringRules; minItems?: number }): Optional<ReturnType<typeof Type.Array<ReturnType<typeof Type.String>>>>;
  },
  rule: (o: SettingOptions, dflt: Static<typeof RuleSchema>) => required('rule', RuleSchema, o, dflt),
  magic: (o: SettingOptions, dflt: Static<typeof MagicSchema>) => required('magic', MagicSchema, o, dflt),
  /** A JSON value (a list or an object) checked against `schema`; unset when not given. */
  json: <T extends TSchema>(o: SettingOptions, schema: T, opts: { convert?: boolean } = {}) => {
    const s = optional('json', schema, o);
    return (opts.convert ? { ...s, 'x-convert': true } : s) as typeof s;
  },
};

/**
 * The partial object a vendor's settings may be overridden with: the same keys and bounds, no
 * defaults (the vendor applies its own, so the configuration holds only what was given), and no
 * other key (a typo fails at boot instead of silently keeping the default).
 */
export function overridesSchema<T extends TObject>(schema: T): TPartial<T> {
  const properties = Object.fromEntries(
    Object.entries(schema.properties).map(([k, p]) => {
      const { default: _dropped, ...rest } = p as TSchema & { default?: unknown };
      return [k, rest];
    }),
  );
  return { ...Type.Partial(Type.Object(properties)), additionalProperties: false } as unknown as TPartial<T>;
}

/**
 * A group of settings owned by one part of Verity, in the order the documentation lists them.
 * Keys are dotted paths in the config file and in the loaded configuration. `after` places the
 * group's rows after that key in the documentation; `check` adds the rules that span settings or
 * need the owner's knowledge, one sentence per problem.
 */
export interface SettingsModule<S extends Record<string, Setting> = Record<string, Setting>> {
  name: string;
  settings: S;
  after?: string;
  /** A compat vendor's name, for COMPAT_VENDORS. */
  vendor?: string;
  // A method, so that a module of any settings fits a list of modules.
  check?(config: ModuleConfig<S> & Readonly<Record<string, unknown>>): string[];
}

/** Type-level: `{ 'a.b': X, 'a.c': Y, d: Z }` becomes `{ a: { b: X; c: Y }; d: Z }`. */
type Head<K> = K extends `${infer H}.${string}` ? H : K;
type Below<T, H extends string> = { [P in keyof T & string as P extends `${H}.${infer R}` ? R : never]: T[P] };
export type Nest<T> = { [K in keyof T & string as Head<K>]: K extends `${infer H}.${string}` ? Nest<Below<T, H>> : T[K] };

/** The configuration a module's settings produce once loaded: derived from their schemas. */
export type ModuleConfig<S> = Nest<{ [K in keyof S]: S[K] extends TSchema ? Static<S[K]> : never }>;

export function defineSettings<S extends Record<string, Setting>>(module: SettingsModule<S>): SettingsModule<S> {
  return module;
}
