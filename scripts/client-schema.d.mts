/** Types for scripts/client-schema.mjs, for the test that compares its output with the committed files. */
export declare const GENERATED_DIR: string;

export interface ServerModules {
  buildApp(config: never): Promise<{ ready(): PromiseLike<unknown>; swagger(): unknown; close(): PromiseLike<unknown> }>;
  loadConfig(env: Record<string, string>): unknown;
  ERROR_CODES: Record<string, { status: number; title: string }>;
}

/** The OpenAPI document of an app built with the default configuration. */
export declare function openApiDocument(modules: Pick<ServerModules, 'buildApp' | 'loadConfig'>): Promise<unknown>;

/** The generated files' text by name (`openapi.ts`, `error-codes.ts`). */
export declare function clientSources(modules: ServerModules): Promise<Record<string, string>>;
