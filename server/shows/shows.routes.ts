import path from "node:path";
import { z } from "zod";
import type { Config } from "../config.ts";
import { ApiRouter, type RouteRegistry } from "../http/api-router.ts";
import { withUpload } from "../uploads/receive-upload.ts";
import { presentShow } from "./shows.presenter.ts";
import { artworkUploadResponse, createShowBody, idParams, showResponse, updateShowBody } from "./shows.schema.ts";
import type { ShowsService } from "./shows.service.ts";

/** Analysts read shows and episodes (the analytics dashboard lists them); only producers and admins change them. */
export const READERS = ["admin", "producer", "analyst"] as const;
export const EDITORS = ["admin", "producer"] as const;

/** Artwork is at most 3000×3000 px; even an uncompressed PNG of that size stays below this. */
const ARTWORK_MAX_BYTES = 40 * 1024 * 1024;
const ARTWORK_TYPES = ["image/jpeg", "image/png", "application/octet-stream"];

export function showsRoutes(registry: RouteRegistry, shows: ShowsService, config: Config) {
  const api = new ApiRouter(registry, "/api/v1");
  const base = config.http.publicBaseUrl;
  const tags = ["shows"];

  api
    .route(
      { method: "post", path: "/shows", summary: "Create a show", tags, access: EDITORS, body: createShowBody, response: showResponse, status: 201 },
      async ({ body }) => presentShow(await shows.create(body), base),
    )
    .route(
      { method: "get", path: "/shows", summary: "List shows", tags, access: READERS, response: z.object({ shows: z.array(showResponse) }) },
      async () => ({ shows: (await shows.list()).map((view) => presentShow(view, base)) }),
    )
    .route(
      { method: "get", path: "/shows/:id", summary: "A show", tags, access: READERS, params: idParams, response: showResponse },
      async ({ params }) => presentShow(await shows.get(params.id), base),
    )
    .route(
      {
        method: "patch",
        path: "/shows/:id",
        summary: "Change a show (the slug only until an episode is published or scheduled)",
        tags,
        access: EDITORS,
        params: idParams,
        body: updateShowBody,
        response: showResponse,
      },
      async ({ params, body }) => presentShow(await shows.update(params.id, body), base),
    )
    .route(
      { method: "delete", path: "/shows/:id", summary: "Delete a show with its episodes and all their files", tags, access: EDITORS, params: idParams },
      async ({ params }) => shows.delete(params.id),
    )
    .route(
      {
        method: "put",
        path: "/shows/:id/artwork",
        summary: "Upload the show's artwork: JPEG or PNG, square, 1400–3000 px (raw body or multipart field `file`)",
        tags,
        access: EDITORS,
        params: idParams,
        requestContentTypes: ["image/jpeg", "image/png", "multipart/form-data"],
        response: artworkUploadResponse,
      },
      async ({ params, req }) => {
        await shows.require(params.id); // 404 before any byte is read (the error handler releases the body)
        const upload = { tmpDir: path.join(config.dataDir, "tmp", "uploads"), maxBytes: Math.min(ARTWORK_MAX_BYTES, config.media.maxUploadBytes), accept: ARTWORK_TYPES };
        const { view, stored } = await withUpload(req, upload, (file) => shows.setArtwork(params.id, file.path));
        return { artwork: presentShow(view, base).artwork, width: stored.width, height: stored.height };
      },
    );

  return api.router;
}
