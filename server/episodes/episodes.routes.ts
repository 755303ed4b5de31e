import path from "node:path";
import { z } from "zod";
import type { Clock } from "../adapters/clock.ts";
import type { Config } from "../config.ts";
import { ApiRouter, type RouteRegistry } from "../http/api-router.ts";
import type { Locale } from "../i18n.ts";
import { EDITORS, READERS } from "../shows/shows.routes.ts";
import { bodyWasParsed, readUploadText, withUpload } from "../uploads/receive-upload.ts";
import { presentAudio, presentEpisode, type PresentContext } from "./episodes.presenter.ts";
import type { EpisodeRecord } from "./episodes.repository.ts";
import { audioUploadResponse, createEpisodeBody, episodeResponse, idParams, publishBody, updateEpisodeBody, variantParams } from "./episodes.schema.ts";
import type { EpisodesService } from "./episodes.service.ts";

/** Raw audio bodies: any audio/*, plus the types browsers and tools give some containers. */
const AUDIO_TYPES = ["audio/*", "application/octet-stream", "application/ogg", "video/webm", "video/mp4"];
const TRANSCRIPT_TYPES = ["text/*", "application/x-subrip", "application/octet-stream"];
const CHAPTERS_TYPES = ["application/json+chapters", "application/octet-stream", "text/plain"];
const TRANSCRIPT_MAX_BYTES = 5 * 1024 * 1024;
const CHAPTERS_MAX_BYTES = 2 * 1024 * 1024;

export function episodesRoutes(registry: RouteRegistry, episodes: EpisodesService, config: Config, clock: Clock) {
  const api = new ApiRouter(registry, "/api/v1");
  const tags = ["episodes"];
  const tmpDir = path.join(config.dataDir, "tmp", "uploads");
  const context = (locale: Locale): PresentContext => ({ publicBaseUrl: config.http.publicBaseUrl, now: clock.now(), locale });
  const present = (episode: EpisodeRecord, locale: Locale) => presentEpisode(episode, context(locale));

  api
    .route(
      {
        method: "post",
        path: "/shows/:id/episodes",
        summary: "Create an episode with its language variants (each gets its permanent GUID)",
        tags,
        access: EDITORS,
        params: idParams,
        body: createEpisodeBody,
        response: episodeResponse,
        status: 201,
      },
      async ({ params, body, locale }) => present(await episodes.create(params.id, body), locale),
    )
    .route(
      { method: "get", path: "/shows/:id/episodes", summary: "A show's episodes with each variant's status", tags, access: READERS, params: idParams, response: z.object({ episodes: z.array(episodeResponse) }) },
      async ({ params, locale }) => ({ episodes: (await episodes.listForShow(params.id)).map((e) => present(e, locale)) }),
    )
    .route(
      { method: "get", path: "/episodes/:id", summary: "An episode: variants, audio processing, files, publication", tags, access: READERS, params: idParams, response: episodeResponse },
      async ({ params, locale }) => present(await episodes.get(params.id), locale),
    )
    .route(
      {
        method: "patch",
        path: "/episodes/:id",
        summary: "Change an episode; add (new locale), change or remove (null) variants",
        tags,
        access: EDITORS,
        params: idParams,
        body: updateEpisodeBody,
        response: episodeResponse,
      },
      async ({ params, body, locale }) => present(await episodes.update(params.id, body), locale),
    )
    .route(
      { method: "delete", path: "/episodes/:id", summary: "Delete an episode and all its files", tags, access: EDITORS, params: idParams },
      async ({ params }) => episodes.delete(params.id),
    )
    .route(
      {
        method: "put",
        path: "/episodes/:id/variants/:locale/audio",
        summary: "Upload a variant's recording (raw audio body or multipart field `file`); processing starts (202). Resumable: tus at /api/v1/uploads/tus",
        tags,
        access: EDITORS,
        params: variantParams,
        requestContentTypes: ["audio/*", "application/octet-stream", "multipart/form-data"],
        response: audioUploadResponse,
        status: 202,
      },
      async ({ params, req, locale }) => {
        await episodes.requireVariant(params.id, params.locale); // before any byte is read
        const accepted = await withUpload(req, { tmpDir, maxBytes: config.media.maxUploadBytes, accept: AUDIO_TYPES }, (file) =>
          episodes.acceptAudio(params.id, params.locale, file),
        );
        const variant = accepted.episode.variants.find((v) => v.id === accepted.variantId)!;
        return { jobId: accepted.jobId, variantId: accepted.variantId, audio: presentAudio(variant, context(locale)) };
      },
    )
    .route(
      {
        method: "put",
        path: "/episodes/:id/variants/:locale/transcript",
        summary: "Upload a variant's transcript: WebVTT or SRT (UTF-8), stored as WebVTT",
        tags,
        access: EDITORS,
        params: variantParams,
        requestContentTypes: ["text/vtt", "application/x-subrip", "multipart/form-data"],
        response: episodeResponse,
      },
      async ({ params, req, locale }) => {
        await episodes.requireVariant(params.id, params.locale); // before any byte is read
        const bytes = await readUploadText(req, { tmpDir, maxBytes: TRANSCRIPT_MAX_BYTES, accept: TRANSCRIPT_TYPES });
        return present(await episodes.setTranscript(params.id, params.locale, bytes), locale);
      },
    )
    .route(
      { method: "delete", path: "/episodes/:id/variants/:locale/transcript", summary: "Remove a variant's transcript", tags, access: EDITORS, params: variantParams, response: episodeResponse },
      async ({ params, locale }) => present(await episodes.removeTranscript(params.id, params.locale), locale),
    )
    .route(
      {
        method: "put",
        path: "/episodes/:id/variants/:locale/chapters",
        summary: "Upload a variant's Podcasting 2.0 JSON chapters",
        tags,
        access: EDITORS,
        params: variantParams,
        requestContentTypes: ["application/json", "application/json+chapters", "multipart/form-data"],
        response: episodeResponse,
      },
      async ({ params, req, locale }) => {
        await episodes.requireVariant(params.id, params.locale); // before any byte is read
        // application/json was parsed by the API's JSON body parser; other types arrive as a file.
        const input = bodyWasParsed(req) ? (req.body as unknown) : await readUploadText(req, { tmpDir, maxBytes: CHAPTERS_MAX_BYTES, accept: CHAPTERS_TYPES });
        return present(await episodes.setChapters(params.id, params.locale, input), locale);
      },
    )
    .route(
      { method: "delete", path: "/episodes/:id/variants/:locale/chapters", summary: "Remove a variant's chapters", tags, access: EDITORS, params: variantParams, response: episodeResponse },
      async ({ params, locale }) => present(await episodes.removeChapters(params.id, params.locale), locale),
    )
    .route(
      {
        method: "post",
        path: "/episodes/:id/variants/:locale/publish",
        summary: "Publish a variant now, backdated, or at a future time (scheduled); its audio must be ready",
        tags,
        access: EDITORS,
        params: variantParams,
        body: publishBody,
        response: episodeResponse,
      },
      async ({ params, body, locale }) => present(await episodes.publish(params.id, params.locale, body.publishAt), locale),
    )
    .route(
      { method: "post", path: "/episodes/:id/variants/:locale/unpublish", summary: "Take a variant out of feeds and pages", tags, access: EDITORS, params: variantParams, response: episodeResponse },
      async ({ params, locale }) => present(await episodes.unpublish(params.id, params.locale), locale),
    );

  return api.router;
}
