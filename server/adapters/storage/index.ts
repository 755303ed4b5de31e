import type { Config } from "../../config.ts";
import { LocalStorage } from "./local.ts";
import { S3Storage } from "./s3.ts";
import type { Storage } from "./storage.ts";

export type { Storage, StoredObjectInfo, ByteRange, PutOptions, PutResult } from "./storage.ts";
export { assertSafeKey } from "./keys.ts";
export { contentTypeForKey } from "./content-types.ts";

export function createStorage(config: Config["storage"]): Storage {
  return config.driver === "s3" ? new S3Storage(config) : new LocalStorage(config);
}
