import AjvCompiler from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type RouteSchema = { schema: unknown; httpPart?: string };
type Compiled = ((data: unknown) => unknown) & { errors?: unknown };

/**
 * Fastify's own compilers (ajv for requests, fast-json-stringify for replies), changed in when they
 * compile, not in what: compiling every route's schemas before the hub listened was ~0.5 s of each
 * start (issue #10 §10, #11), for ~150 routes most of which a start never meets in its first seconds.
 *
 * - Each schema is compiled once by its text (fastify asks per route and per status: the same error
 *   reply, the same query string, again and again).
 * - A route gets a stand-in that compiles on its first request (a few ms, once), and `compileAll`
 *   compiles the rest in slices of ~10 ms after the hub listens, so a schema that cannot compile
 *   still shows within seconds of the start, not on the day its route is first used.
 *
 * A compiled function is pure in its schema. Fastify reads an ajv validator's `errors` right after
 * the call, on the same tick, which the stand-in passes through.
 */
export function lazyCompilers() {
  const validators = AjvCompiler();
  const serializers = SerializerSelector();
  const pools = new Map<string, Map<string, Compiled>>();
  const pending: (() => unknown)[] = [];
  const pool = (context: string) => pools.get(context) ?? (pools.set(context, new Map()), pools.get(context)!);
  /** A stand-in for `compile()`, shared by every route whose schema has the same text. */
  const standIn = (cache: Map<string, Compiled>, key: string, compile: () => Compiled): Compiled => {
    const known = cache.get(key);
    if (known) return known;
    let fn: Compiled | undefined;
    const real = () => (fn ??= compile());
    const call = ((...args: unknown[]) => (real() as (...a: unknown[]) => unknown)(...args)) as Compiled;
    Object.defineProperty(call, 'errors', { get: () => fn?.errors ?? null, set: (v) => fn && (fn.errors = v) });
    // Fastify passes the parent object to an ajv validator that has one (so it may replace the root value).
    Object.defineProperty(call, 'schemaEnv', { get: () => (real() as { schemaEnv?: unknown }).schemaEnv });
    cache.set(key, call);
    pending.push(real);
    return call;
  };
  return {
    buildValidator: ((externalSchemas: unknown, options: { customOptions?: unknown }) => {
      const compile = validators(externalSchemas as never, options as never);
      const cache = pool(`v${JSON.stringify(externalSchemas)}${JSON.stringify(options.customOptions)}`);
      return (route: RouteSchema) => {
        // With a compiler of its own, fastify no longer lowercases a header schema's names: none may exist.
        if (route.httpPart === 'headers') throw new Error('hallq checks headers by hand: a route may not have a headers schema (schema-compilers.ts)');
        return standIn(cache, `${route.httpPart}\0${JSON.stringify(route.schema)}`, () => compile(route as never) as unknown as Compiled);
      };
    }) as unknown as ReturnType<typeof AjvCompiler>,
    buildSerializer: ((externalSchemas: unknown, options: unknown) => {
      const compile = serializers(externalSchemas as never, options as never);
      const cache = pool(`s${JSON.stringify(externalSchemas)}${JSON.stringify(options)}`);
      return (route: RouteSchema) => standIn(cache, JSON.stringify(route.schema), () => compile(route as never) as unknown as Compiled);
    }) as unknown as ReturnType<typeof SerializerSelector>,
    /**
     * Compiles what no request has yet, ~`sliceMs` at a time between other work. Resolves with how
     * many it compiled and the errors of those that do not compile (each is tried; the rest go on).
     */
    async compileAll(sliceMs = 10): Promise<{ compiled: number; errors: Error[] }> {
      let compiled = 0;
      const errors: Error[] = [];
      while (pending.length > 0) {
        const t0 = performance.now();
        while (pending.length > 0 && performance.now() - t0 < sliceMs) {
          try {
            pending.shift()!();
            compiled++;
          } catch (err) {
            errors.push(err instanceof Error ? err : new Error(String(err)));
          }
        }
        await new Promise((r) => setImmediate(r));
      }
      return { compiled, errors };
    },
  };
}
