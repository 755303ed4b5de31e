import type { TestProject } from "vitest/node";
import { build } from "../../server/build.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    s3: { endpoint: string; accessKeyId: string; secretAccessKey: string } | null;
  }
}

/**
 * dist/ built from the current sources, then
 * TEST_STORAGE=s3: one s3rver on loopback for the whole run; each test file makes its own bucket.
 * (TEST_S3_ENDPOINT may point at another S3-compatible server instead, e.g. MinIO.)
 */
export default async function setup(project: TestProject) {
  // Tests that start Sada as a process run dist/, as `npm start` does (its prestart builds it).
  await build();
  if (process.env.TEST_STORAGE !== "s3") {
    project.provide("s3", null);
    return;
  }
  if (process.env.TEST_S3_ENDPOINT) {
    project.provide("s3", {
      endpoint: process.env.TEST_S3_ENDPOINT,
      accessKeyId: process.env.TEST_S3_ACCESS_KEY_ID ?? "S3RVER",
      secretAccessKey: process.env.TEST_S3_SECRET_ACCESS_KEY ?? "S3RVER",
    });
    return;
  }
  const { startS3rver } = await import("./s3rver.ts");
  const s3 = await startS3rver();
  project.provide("s3", { endpoint: s3.endpoint, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });
  return () => s3.stop();
}
