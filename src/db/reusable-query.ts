import type { CompiledQuery, Compilable, Kysely } from 'kysely';

interface Template {
  compiled: CompiledQuery;
  /** For each compiled parameter, which argument fills it (-1: a constant of the query itself). */
  slots: number[];
}

/**
 * A query on a hot path, built and compiled once per database and then run with new arguments:
 * Kysely otherwise builds and compiles the same SQL on every call, a large share of a small
 * query's cost. Arguments are strings (ids, keys); each is found in the compiled query by a
 * sentinel value, so the builder may use them anywhere and in any order.
 */
export function reusableQuery<DB, Args extends string[], Row>(build: (db: Kysely<DB>, ...args: Args) => Compilable<Row>) {
  const templates = new WeakMap<Kysely<DB>, Template>();
  return async (db: Kysely<DB>, ...args: Args): Promise<Row[]> => {
    let template = templates.get(db);
    if (!template) {
      const sentinels = args.map((_, i) => `\u0000reusable-query-argument-${i}\u0000`) as Args;
      const compiled = build(db, ...sentinels).compile();
      const slots = compiled.parameters.map((value) => sentinels.indexOf(value as string));
      if (args.some((_, i) => !slots.includes(i))) throw new Error('reusableQuery: an argument is not used as a query parameter');
      template = { compiled, slots };
      templates.set(db, template);
    }
    const { compiled, slots } = template;
    const parameters = compiled.parameters.map((value, i) => (slots[i]! >= 0 ? args[slots[i]!] : value));
    const result = await db.executeQuery<Row>({ ...compiled, parameters });
    return result.rows;
  };
}
