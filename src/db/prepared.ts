import type { CompiledQuery, Compilable } from 'kysely';

const MARK = '\u0000verity:';

/**
 * A query built once with Kysely and compiled once; each execution only substitutes its
 * parameters. Building and compiling a Kysely query costs more than running it on SQLite, and
 * the hot-path queries never change shape, only values.
 *
 * `build` receives named placeholders; each must end up as a bound parameter (not in the SQL
 * text), which is how Kysely treats every value.
 */
export class PreparedQuery<A extends object> {
  private readonly compiled: CompiledQuery;
  private readonly slots: Array<keyof A | undefined>;

  constructor(build: (p: Placeholders<A>) => Compilable) {
    const placeholders = new Proxy({}, { get: (_t, name) => `${MARK}${String(name)}` }) as Placeholders<A>;
    this.compiled = build(placeholders).compile();
    this.slots = this.compiled.parameters.map((v) => (typeof v === 'string' && v.startsWith(MARK) ? (v.slice(MARK.length) as keyof A) : undefined));
  }

  /** The query with its parameters in the order `names` gives them, each row's values after the last's; it must bind exactly those placeholders, in that order. */
  inOrder(names: readonly string[]): (values: unknown[]) => CompiledQuery {
    if (this.slots.length !== names.length || this.slots.some((s, i) => s !== names[i])) throw new Error(`the query binds ${this.slots.join(', ')}, not ${names.join(', ')}`);
    const compiled = this.compiled;
    return (values) => ({ ...compiled, parameters: values });
  }

  bind(args: A): CompiledQuery {
    const parameters = this.compiled.parameters.map((v, i) => {
      const slot = this.slots[i];
      return slot === undefined ? v : (args[slot] as unknown);
    });
    return { ...this.compiled, parameters };
  }
}

/** Placeholder values typed as the arguments they stand for, so builders type-check. */
export type Placeholders<A> = { readonly [K in keyof A]: A[K] };
