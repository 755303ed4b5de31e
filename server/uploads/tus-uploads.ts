import { randomUUID } from "node:crypto";
import fsp from "node:fs/promises";
import path from "node:path";
import type { Request, RequestHandler } from "express";
import { Server } from "@tus/server";
import { FileStore } from "@tus/file-store";
import { z } from "zod";
import type { Logger } from "../adapters/logger.ts";
import { AppError, forbidden } from "../errors.ts";
import { authorize } from "../http/api-router.ts";
import { localizeError } from "../http/error-handler.ts";
import { zodIssuesToDetails } from "../http/validate.ts";
import { SUPPORTED_LOCALES } from "../i18n.ts";
import type { EpisodesService } from "../episodes/episodes.service.ts";

// Resumable audio uploads (tus 1.0, https://tus.io): for long recordings sent over slow or
// unreliable connections. The client creates an upload with metadata naming the episode and the
// language (`episodeId`, `locale`, optionally `filename`, `filetype`), then sends the bytes in as
// many PATCH requests as it takes; when the last byte arrives the file is handed to the audio
// pipeline exactly like a direct upload. The partial file lives under DATA_DIR/uploads on the
// machine that received it: behind a load balancer, a client's requests must reach the same
// machine (sticky sessions) or DATA_DIR/uploads must be shared. Unfinished uploads expire after a day.

export const TUS_MOUNT = "/uploads/tus";
export const TUS_PATH = `/api/v1${TUS_MOUNT}`;
const EXPIRY_MS = 24 * 3600_000;
const SWEEP_INTERVAL_MS = 3600_000;
const EDITORS = ["admin", "producer"] as const;

const uploadMetadata = z.object({
  episodeId: z.string().min(1).max(64),
  locale: z.enum(SUPPORTED_LOCALES),
  filename: z.string().max(500).nullish(),
  filetype: z.string().max(200).nullish(),
});

export interface TusUploadsDeps {
  dataDir: string;
  maxBytes: number;
  publicBaseUrl: string;
  episodes: Pick<EpisodesService, "requireVariant" | "acceptAudio">;
  logger: Logger;
  onClose: (hook: () => Promise<void> | void) => void;
}

/** The Express request behind tus' web Request (tus runs on srvx over Node). */
function expressRequest(req: unknown): Request {
  const runtime = (req as { runtime?: { node?: { req?: Request } } }).runtime;
  const node = runtime?.node?.req ?? (req as { node?: { req?: Request } }).node?.req;
  if (!node) throw new Error("tus request without its Node request");
  return node;
}

/** Sada's error body (code + translated message) with the status tus should answer. */
function tusError(err: AppError, req: Request) {
  return { status_code: err.status, body: JSON.stringify({ error: localizeError(err, req.locale ?? "en", req.id) }) };
}

export function tusUploads(deps: TusUploadsDeps): RequestHandler {
  const directory = path.join(deps.dataDir, "uploads");
  const datastore = new FileStore({ directory, expirationPeriodInMilliseconds: EXPIRY_MS });

  /** The finished (or abandoned) upload's bytes and bookkeeping, gone. */
  const discard = async (id: string) => {
    await fsp.rm(path.join(directory, id), { force: true });
    await datastore.configstore.delete(id).catch(() => undefined);
  };

  const options: ConstructorParameters<typeof Server>[0] = {
    path: TUS_PATH,
    datastore,
    maxSize: deps.maxBytes,
    relativeLocation: true,
    // Only Sada's own pages upload; no other site may drive a signed-in browser to.
    allowedOrigins: [new URL(deps.publicBaseUrl).origin],
    namingFunction: () => randomUUID().replace(/-/g, ""),
    // Default locker: in memory, so one process holds all requests of an upload (see above).
    async onUploadCreate(req, upload) {
      const express = expressRequest(req);
      const parsed = uploadMetadata.safeParse(upload.metadata ?? {});
      if (!parsed.success) throw new AppError("validation_failed", 422, {}, zodIssuesToDetails(parsed.error.issues, upload.metadata, ["metadata"]));
      // Refused before a byte is sent: unknown episode, language not enabled, no such variant.
      const { variant } = await deps.episodes.requireVariant(parsed.data.episodeId, parsed.data.locale);
      return { metadata: { ...upload.metadata, variantId: variant.id, userId: express.auth!.user.id } };
    },
    async onIncomingRequest(req, uploadId) {
      if (req.method === "POST") return; // creation: the upload does not exist yet
      // An upload is continued only by whoever started it (or an admin).
      const auth = expressRequest(req).auth!;
      const upload = await datastore.getUpload(uploadId);
      if (upload.metadata?.userId !== auth.user.id && auth.user.role !== "admin") throw forbidden();
    },
    async onUploadFinish(req, upload) {
      const metadata = uploadMetadata.parse(upload.metadata);
      try {
        const accepted = await deps.episodes.acceptAudio(metadata.episodeId, metadata.locale, {
          path: path.join(directory, upload.id),
          filename: metadata.filename ?? undefined,
          contentType: metadata.filetype ?? undefined,
        });
        expressRequest(req).log?.info({ uploadId: upload.id, jobId: accepted.jobId, bytes: upload.size }, "resumable upload complete");
        return { headers: { "Sada-Job-Id": accepted.jobId, "Sada-Variant-Id": accepted.variantId, "Access-Control-Expose-Headers": "Sada-Job-Id, Sada-Variant-Id" } };
      } finally {
        await discard(upload.id);
      }
    },
    onResponseError(req, err) {
      if (err instanceof AppError) return tusError(err, expressRequest(req));
      if (!(err instanceof Error)) return undefined; // tus' own protocol errors keep their status and text
      expressRequest(req).log?.error({ err }, "resumable upload failed");
      return tusError(new AppError("internal_error", 500), expressRequest(req));
    },
  };
  const server = new Server(options);

  const sweep = setInterval(() => {
    datastore.deleteExpired().catch((err: unknown) => deps.logger.warn({ err }, "could not delete expired resumable uploads"));
  }, SWEEP_INTERVAL_MS);
  sweep.unref();
  deps.onClose(() => clearInterval(sweep));

  return (req, res, next) => {
    // GET is not part of the protocol (tus would serve the partial file); CORS preflights carry no credentials.
    if (req.method === "GET") return next();
    if (req.method !== "OPTIONS") authorize(req.auth, EDITORS);
    server.handle(req, res).catch(next);
  };
}
