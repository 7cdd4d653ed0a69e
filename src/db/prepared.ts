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

/**
 * Rows written with one multi-row statement per `maxRows` of them. The statement for each row
 * count is built and compiled the first time that count comes, then only re-bound with the rows'
 * values in column order.
 */
export class RowsWriter<R> {
  private readonly byCount: Array<((values: unknown[]) => CompiledQuery) | undefined> = [];

  constructor(
    private readonly columns: readonly string[],
    private readonly maxRows: number,
    /** The statement for these rows (each an object of its columns' placeholders). */
    private readonly build: (rows: Array<Record<string, unknown>>) => Compilable,
    /** Appends a row's values to `values`, in `columns` order. */
    private readonly put: (row: R, values: unknown[]) => void,
  ) {}

  async write(trx: { executeQuery(query: CompiledQuery): Promise<unknown> }, rows: readonly R[]): Promise<void> {
    for (let start = 0; start < rows.length; start += this.maxRows) {
      const end = Math.min(rows.length, start + this.maxRows);
      const values: unknown[] = [];
      for (let i = start; i < end; i++) this.put(rows[i] as R, values);
      await trx.executeQuery(this.statement(end - start)(values));
    }
  }

  private statement(n: number): (values: unknown[]) => CompiledQuery {
    let q = this.byCount[n];
    if (!q) {
      const { columns } = this;
      q = new PreparedQuery<Record<string, unknown>>((p) => this.build(Array.from({ length: n }, (_, i) => Object.fromEntries(columns.map((c) => [c, p[`${c}${i}`]]))))).inOrder(
        Array.from({ length: n }, (_, i) => columns.map((c) => `${c}${i}`)).flat(),
      );
      this.byCount[n] = q;
    }
    return q;
  }
}
