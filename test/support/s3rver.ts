import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import type { Config } from "../../server/config.ts";

// s3rver ships no types; this is the slice of its API used here.
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverOptions = {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string; configs: (string | Buffer)[] }[];
};
const S3rver = createRequire(import.meta.url)("s3rver") as new (options: S3rverOptions) => S3rverInstance;

export interface RunningS3rver {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

// s3rver knows exactly one key pair. It checks that the access key id exists but does not verify
// SigV4 signatures (and lets unsigned requests through), so tests against it cannot catch signing
// mistakes — only a real S3/MinIO can (see TEST_S3_ENDPOINT in global-setup.ts).
const ACCESS_KEY_ID = "S3RVER";
const SECRET_ACCESS_KEY = "S3RVER";

/** An in-process s3rver on 127.0.0.1 (random free port, temp directory) with one empty bucket. */
export async function startS3rver(): Promise<RunningS3rver> {
  const directory = await mkdtemp(path.join(os.tmpdir(), "sada-s3rver-"));
  const bucket = "sada-test";
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    async stop() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** A storage config pointing at a running s3rver (path-style: the bucket is not a DNS name here). */
export function s3StorageConfig(
  s3: Pick<RunningS3rver, "endpoint" | "bucket" | "accessKeyId" | "secretAccessKey">,
  overrides: { publicBaseUrl?: string; presignSeconds?: number } = {},
): Extract<Config["storage"], { driver: "s3" }> {
  return {
    driver: "s3",
    endpoint: s3.endpoint,
    region: "us-east-1",
    bucket: s3.bucket,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
    presignSeconds: overrides.presignSeconds ?? 3600,
    publicBaseUrl: overrides.publicBaseUrl,
  };
}
