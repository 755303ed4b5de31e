import { randomUUID } from "node:crypto";
import type { Clock } from "../adapters/clock.ts";
import type { Logger } from "../adapters/logger.ts";
import type { Storage } from "../adapters/storage/storage.ts";
import { AppError, conflict, notFound } from "../errors.ts";
import { SUPPORTED_LOCALES, type Locale } from "../i18n.ts";
import { showLocales } from "../feeds/feeds.presenter.ts";
import type { AcceptAudioUpload, AcceptedAudio } from "../media/audio.service.ts";
import { asciiSlug } from "../shows/slug.ts";
import type { ShowsService } from "../shows/shows.service.ts";
import { parseChapters } from "./chapters.ts";
import { chaptersKey, episodeFolder, transcriptKey, variantFolder, variantUploadsFolder } from "./episode-keys.ts";
import { effectiveStatus, hasLeftDraft } from "./episodes.presenter.ts";
import type { EpisodeRecord, EpisodesRepository, NewVariant, VariantChanges, VariantPublication, VariantRecord } from "./episodes.repository.ts";
import type { CreateEpisodeBody, UpdateEpisodeBody } from "./episodes.schema.ts";
import { renderShowNotes } from "./show-notes.ts";
import { toWebVtt } from "./transcript.ts";

export interface EpisodesServiceDeps {
  repository: EpisodesRepository;
  shows: Pick<ShowsService, "require">;
  audio: { acceptAudioUpload(input: AcceptAudioUpload): Promise<AcceptedAudio> };
  storage: Storage;
  clock: Clock;
  logger: Logger;
}

const localeNotEnabled = (locale: string) => new AppError("locale_not_enabled", 422, { locale });
const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === "P2002";
const IMMUTABLE = "public, max-age=31536000, immutable";

type VariantInput = { title?: string; summary?: string; showNotes?: string };

function variantFields(input: VariantInput): VariantChanges {
  return {
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(input.summary !== undefined ? { summary: input.summary } : {}),
    ...(input.showNotes !== undefined ? { showNotesMarkdown: input.showNotes, showNotesHtml: renderShowNotes(input.showNotes) } : {}),
  };
}

/** A new language version: its GUID is made here, once, and never changes. */
function newVariant(locale: Locale, input: VariantInput & { title: string }): NewVariant {
  const showNotes = input.showNotes ?? "";
  return { locale, guid: randomUUID(), title: input.title, summary: input.summary ?? "", showNotesMarkdown: showNotes, showNotesHtml: renderShowNotes(showNotes) };
}

/**
 * Episodes and their language variants: texts, audio uploads (handed to the audio pipeline),
 * transcripts, chapters and the publication state machine:
 *
 *   draft ──publish(now/past)──▶ published ──unpublish──▶ unpublished ──publish──▶ published
 *     └──publish(future)──▶ scheduled ──(its time comes: read as published, nothing runs)
 *                              └──unpublish──▶ draft (or unpublished if it had been public before)
 *
 * Publishing needs the audio to be ready. A republished variant keeps its first publication date
 * unless a new time is given, so apps do not see an old episode as new.
 */
export class EpisodesService {
  constructor(private readonly deps: EpisodesServiceDeps) {}

  async get(id: string): Promise<EpisodeRecord> {
    const episode = await this.deps.repository.findById(id);
    if (!episode) throw notFound("episode_not_found");
    return episode;
  }

  async listForShow(showId: string): Promise<EpisodeRecord[]> {
    await this.deps.shows.require(showId);
    return this.deps.repository.listByShow(showId);
  }

  /** The episode and its variant in `locale`: 404 episode_not_found / variant_not_found, 422 locale_not_enabled. */
  async requireVariant(episodeId: string, locale: Locale): Promise<{ episode: EpisodeRecord; variant: VariantRecord }> {
    const episode = await this.get(episodeId);
    if (!showLocales(episode.show).includes(locale)) throw localeNotEnabled(locale);
    const variant = episode.variants.find((v) => v.locale === locale);
    if (!variant) throw notFound("variant_not_found", { locale });
    return { episode, variant };
  }

  /** `episode-12` (`s2-episode-12` in a season) when numbered; else a Latin-script title; else a short id. Free in the show. */
  private async autoSlug(showId: string, input: CreateEpisodeBody, defaultLocale: string): Promise<string> {
    let base: string | undefined;
    if (input.number != null) base = `${input.season != null ? `s${input.season}-` : ""}episode-${input.number}`;
    if (!base) {
      const order = [defaultLocale, ...SUPPORTED_LOCALES.filter((l) => l !== defaultLocale)] as Locale[];
      base = order.map((l) => asciiSlug(input.variants[l]?.title ?? "")).find((s) => s.length >= 3);
    }
    base ??= `episode-${randomUUID().slice(0, 8)}`;
    const taken = await this.deps.repository.slugsLike(showId, base);
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
  }

  private async checkSlugFree(showId: string, slug: string): Promise<void> {
    if ((await this.deps.repository.slugsLike(showId, slug)).has(slug)) throw conflict("episode_slug_taken", { slug });
  }

  async create(showId: string, input: CreateEpisodeBody): Promise<EpisodeRecord> {
    const show = await this.deps.shows.require(showId);
    const enabled = showLocales(show);
    const locales = SUPPORTED_LOCALES.filter((l) => input.variants[l]);
    const notEnabled = locales.find((l) => !enabled.includes(l));
    if (notEnabled) throw localeNotEnabled(notEnabled);
    if (input.slug) await this.checkSlugFree(showId, input.slug);
    const variants = locales.map((locale) => newVariant(locale, input.variants[locale]!));
    // An automatic slug may be taken by a concurrent create between choosing and inserting: choose again.
    for (let attempt = 1; ; attempt++) {
      const slug = input.slug ?? (await this.autoSlug(showId, input, show.defaultLocale));
      try {
        return await this.deps.repository.create({ showId, slug, season: input.season ?? null, number: input.number ?? null, type: input.type }, variants);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        if (input.slug || attempt >= 3) throw conflict("episode_slug_taken", { slug });
      }
    }
  }

  async update(id: string, input: UpdateEpisodeBody): Promise<EpisodeRecord> {
    const episode = await this.get(id);
    const enabled = showLocales(episode.show);
    if (input.slug !== undefined && input.slug !== episode.slug) {
      if (episode.variants.some(hasLeftDraft)) throw conflict("episode_slug_locked", { slug: episode.slug });
      await this.checkSlugFree(episode.showId, input.slug);
    }
    const create: NewVariant[] = [];
    const update: { id: string; changes: VariantChanges }[] = [];
    const remove: VariantRecord[] = [];
    for (const locale of SUPPORTED_LOCALES) {
      const patch = input.variants?.[locale];
      if (patch === undefined) continue;
      const existing = episode.variants.find((v) => v.locale === locale);
      if (patch === null) {
        if (existing) remove.push(existing);
      } else if (existing) {
        update.push({ id: existing.id, changes: variantFields(patch) });
      } else {
        if (!enabled.includes(locale)) throw localeNotEnabled(locale);
        if (!patch.title) throw new AppError("variant_title_required", 422, { locale });
        create.push(newVariant(locale, { ...patch, title: patch.title }));
      }
    }
    if (episode.variants.length - remove.length + create.length === 0) throw new AppError("variant_required", 422);
    let updated: EpisodeRecord;
    try {
      updated = await this.deps.repository.update(
        id,
        { slug: input.slug, season: input.season, number: input.number, type: input.type },
        { create, update, remove: remove.map((v) => v.id) },
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict("episode_slug_taken", { slug: input.slug });
      throw err;
    }
    for (const variant of remove) await this.deleteFiles([variantFolder({ showId: episode.showId, episodeId: id, locale: variant.locale }), variantUploadsFolder(variant.id)]);
    return updated;
  }

  async delete(id: string): Promise<void> {
    const episode = await this.get(id);
    if (!(await this.deps.repository.delete(id))) throw notFound("episode_not_found");
    await this.deleteFiles([episodeFolder(episode.showId, id), ...episode.variants.map((v) => variantUploadsFolder(v.id))]);
  }

  /** After the database no longer refers to them. A failure only leaves unreferenced files, logged. */
  private async deleteFiles(prefixes: string[]): Promise<void> {
    for (const prefix of prefixes) {
      await this.deps.storage.deletePrefix(prefix).catch((err) => this.deps.logger.error({ err, prefix }, "could not delete an episode's files"));
    }
  }

  /** Hands an uploaded recording (a local file, consumed) to the audio pipeline: 202 material. */
  async acceptAudio(episodeId: string, locale: Locale, upload: { path: string; filename?: string; contentType?: string }) {
    const { variant } = await this.requireVariant(episodeId, locale);
    const accepted = await this.deps.audio.acceptAudioUpload({
      variantId: variant.id,
      sourcePath: upload.path,
      originalName: upload.filename,
      contentType: upload.contentType,
    });
    return { jobId: accepted.jobId, variantId: variant.id, episode: await this.get(episodeId) };
  }

  /** Stores a new file for the variant, points the variant at it and deletes the one it replaces. */
  private async replaceFile(variant: VariantRecord, field: "transcriptKey" | "chaptersKey", key: string, body: string): Promise<void> {
    const { storage, repository, logger } = this.deps;
    await storage.put(key, body, { contentType: field === "transcriptKey" ? "text/vtt" : "application/json", cacheControl: IMMUTABLE });
    const replaced = await repository.replaceFileKey(variant.id, field, key).catch(async (err: unknown) => {
      await storage.delete(key).catch(() => undefined);
      throw err;
    });
    if (!replaced) {
      await storage.delete(key).catch(() => undefined);
      throw notFound("variant_not_found", { locale: variant.locale });
    }
    if (replaced.previous) await storage.delete(replaced.previous).catch((err) => logger.warn({ err, key: replaced.previous }, "could not delete a replaced file"));
  }

  private async removeFile(variant: VariantRecord, field: "transcriptKey" | "chaptersKey"): Promise<void> {
    const replaced = await this.deps.repository.replaceFileKey(variant.id, field, null);
    if (replaced?.previous) await this.deps.storage.delete(replaced.previous).catch((err) => this.deps.logger.warn({ err, key: replaced.previous }, "could not delete a removed file"));
  }

  /** WebVTT or SRT (UTF-8) → validated (422 transcript_invalid) → stored as WebVTT. */
  async setTranscript(episodeId: string, locale: Locale, bytes: Buffer): Promise<EpisodeRecord> {
    const { episode, variant } = await this.requireVariant(episodeId, locale);
    const { vtt } = toWebVtt(bytes);
    await this.replaceFile(variant, "transcriptKey", transcriptKey({ showId: episode.showId, episodeId, locale }), vtt);
    return this.get(episodeId);
  }

  async removeTranscript(episodeId: string, locale: Locale): Promise<EpisodeRecord> {
    const { variant } = await this.requireVariant(episodeId, locale);
    await this.removeFile(variant, "transcriptKey");
    return this.get(episodeId);
  }

  /** Podcasting 2.0 JSON chapters (file bytes or parsed JSON) → validated (422 chapters_invalid) → stored normalised. */
  async setChapters(episodeId: string, locale: Locale, input: Buffer | unknown): Promise<EpisodeRecord> {
    const { episode, variant } = await this.requireVariant(episodeId, locale);
    const chapters = parseChapters(input);
    await this.replaceFile(variant, "chaptersKey", chaptersKey({ showId: episode.showId, episodeId, locale }), `${JSON.stringify(chapters, null, 2)}\n`);
    return this.get(episodeId);
  }

  async removeChapters(episodeId: string, locale: Locale): Promise<EpisodeRecord> {
    const { variant } = await this.requireVariant(episodeId, locale);
    await this.removeFile(variant, "chaptersKey");
    return this.get(episodeId);
  }

  private async transition(variant: VariantRecord, next: VariantPublication): Promise<void> {
    const expected = { status: variant.status, publishAt: variant.publishAt, publishedAt: variant.publishedAt };
    // Compare-and-set: of two requests racing, the second sees the first's result and answers 409.
    if (!(await this.deps.repository.setPublication(variant.id, expected, next))) throw conflict("variant_changed");
  }

  /** Now (or a past time: backdated) → published; a future time → scheduled. 409 audio_not_ready, variant_already_published. */
  async publish(episodeId: string, locale: Locale, publishAt?: string): Promise<EpisodeRecord> {
    const { variant } = await this.requireVariant(episodeId, locale);
    const now = this.deps.clock.now();
    if (effectiveStatus(variant, now) === "published") throw conflict("variant_already_published", { locale });
    if (variant.audioStatus !== "ready") throw conflict("audio_not_ready", { locale, audioStatus: variant.audioStatus });
    const at = publishAt ? new Date(publishAt) : undefined;
    if (at && at > now) {
      await this.transition(variant, { status: "scheduled", publishAt: at, publishedAt: variant.publishedAt });
    } else {
      await this.transition(variant, { status: "published", publishAt: null, publishedAt: at ?? variant.publishedAt ?? now });
    }
    return this.get(episodeId);
  }

  /** Takes a variant out of feeds and pages. A scheduled one that never went public returns to draft. */
  async unpublish(episodeId: string, locale: Locale): Promise<EpisodeRecord> {
    const { variant } = await this.requireVariant(episodeId, locale);
    const status = effectiveStatus(variant, this.deps.clock.now());
    if (status === "draft" || status === "unpublished") throw conflict("variant_not_published", { locale });
    if (status === "scheduled") {
      await this.transition(variant, { status: variant.publishedAt ? "unpublished" : "draft", publishAt: null, publishedAt: variant.publishedAt });
    } else {
      // Keeps when it first went public, so a later republication keeps its date.
      await this.transition(variant, { status: "unpublished", publishAt: null, publishedAt: variant.publishedAt ?? variant.publishAt });
    }
    return this.get(episodeId);
  }
}
