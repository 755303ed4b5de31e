import express, { type Router } from "express";
import type { Storage } from "../adapters/storage/storage.ts";
import { notFound } from "../errors.ts";
import { sendCorsPreflight, sendStored, setCorsHeaders } from "../http/send-stored.ts";
import { PUBLIC_ARTWORK_SIZES, storageVersionToken, type PublicArtworkSize } from "../http/public-urls.ts";
import type { PublicFile, SiteService } from "./site.service.ts";

// Public non-audio files (mounted at /files, addresses built in http/public-urls.ts): artwork,
// transcripts, chapters — HEAD, byte ranges, revalidation, and CORS so web players can load them.

const ARTWORK_FILE = /^artwork-(original|1400|300)\.jpg$/;
const IMMUTABLE = "public, max-age=31536000, immutable";
const SHORT = "public, max-age=300";

const CONTENT_TYPES: Record<PublicFile["kind"], string | undefined> = {
  "show-artwork": undefined,
  "variant-artwork": undefined,
  transcript: "text/vtt; charset=utf-8",
  chapters: "application/json; charset=utf-8",
};

function variantFile(variantId: string, file: string): PublicFile | null {
  if (file === "transcript.vtt") return { kind: "transcript", variantId };
  if (file === "chapters.json") return { kind: "chapters", variantId };
  const artwork = ARTWORK_FILE.exec(file);
  return artwork ? { kind: "variant-artwork", variantId, size: artwork[1] as PublicArtworkSize } : null;
}

export function filesRoutes(site: SiteService, storage: Storage): Router {
  const router = express.Router();
  router.use((req, res, next) => {
    setCorsHeaders(res);
    if (req.method === "OPTIONS") return sendCorsPreflight(res);
    next();
  });

  const send = async (req: express.Request, res: express.Response, file: PublicFile | null, token: string) => {
    if (!file) throw notFound("file_not_found");
    const key = await site.publicFileKey(file);
    const isArtwork = file.kind === "show-artwork" || file.kind === "variant-artwork";
    // A URL naming an older version still answers (with the current file) but must not be cached for long.
    await sendStored(req, res, storage, key, {
      contentType: CONTENT_TYPES[file.kind],
      cacheControl: token === storageVersionToken(key) ? IMMUTABLE : SHORT,
      cors: true,
      // Images may come straight from the CDN / bucket; texts stream through here to keep CORS under our control.
      redirect: isArtwork,
    });
  };

  router.get("/shows/:showId/:token/:file", async (req, res) => {
    const artwork = ARTWORK_FILE.exec(req.params.file);
    const size = artwork?.[1] as PublicArtworkSize | undefined;
    await send(req, res, size && PUBLIC_ARTWORK_SIZES.includes(size) ? { kind: "show-artwork", showId: req.params.showId, size } : null, req.params.token);
  });

  router.get("/variants/:variantId/:token/:file", async (req, res) => {
    await send(req, res, variantFile(req.params.variantId, req.params.file), req.params.token);
  });

  return router;
}
