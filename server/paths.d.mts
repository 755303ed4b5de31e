// Types for paths.mjs (plain JS, shared with server/build.mjs, which runs without tsx).
export declare const PROJECT_ROOT: string;
