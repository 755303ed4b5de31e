import type { Config } from "../../config.ts";
import { LocalStorage } from "./local.ts";
import type { Storage } from "./storage.ts";

export type { Storage, StoredObjectInfo, ByteRange, PutOptions, PutResult } from "./storage.ts";
export { assertSafeKey } from "./keys.ts";
export { contentTypeForKey } from "./content-types.ts";

/** The S3 driver (and the AWS SDK, ~10 MB) is loaded only when configured. */
export async function createStorage(config: Config["storage"]): Promise<Storage> {
  if (config.driver === "local") return new LocalStorage(config);
  const { S3Storage } = await import("./s3.ts");
  return new S3Storage(config);
}
