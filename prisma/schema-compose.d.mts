// Types for schema-compose.mjs (plain JS so that `node prisma/generate.mjs` runs without tsx).
export declare const PRISMA_DIR: string;
export declare const PROVIDERS: readonly ["sqlite", "postgresql"];
export declare function readModels(): string;
export declare function composeSchema(provider: "sqlite" | "postgresql", models?: string): string;
