// Types for build.mjs (plain JS so that `npm install` and `npm start` can run it without tsx).
export declare const DIST_DIR: string;
export declare function build(options?: { root?: string; outDir?: string }): Promise<{ files: number; written: number; removed: number }>;
