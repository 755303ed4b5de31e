import { hasKey, SUPPORTED_LOCALES, t, type Locale } from "../i18n.ts";
import { absoluteUrl, chaptersPath, mediaPath, transcriptPath } from "../http/public-urls.ts";
import type { EpisodeRecord, VariantRecord } from "./episodes.repository.ts";
import { AUDIO_STATUSES, EPISODE_TYPES, type VariantStatus } from "./episodes.schema.ts";

export interface PresentContext {
  publicBaseUrl: string;
  now: Date;
  /** Language of the caller, for audio error messages. */
  locale: Locale;
}

/**
 * The status listeners experience at `now`: a scheduled variant whose time has come is published
 * (the same rule as feeds/feeds.repository.ts liveVariantWhere, which also requires audio).
 */
export function effectiveStatus(variant: { status: string; publishAt: Date | null }, now: Date): VariantStatus {
  if (variant.status === "scheduled" && variant.publishAt && variant.publishAt <= now) return "published";
  return variant.status as VariantStatus;
}

/** When it was (or will be) published: the scheduled time, else when it was published now. */
export function publicationTime(variant: { publishAt: Date | null; publishedAt: Date | null }): Date | null {
  return variant.publishAt ?? variant.publishedAt;
}

/** Out of draft once, the variant's addresses (and its episode's slug) are public or about to be. */
export const hasLeftDraft = (variant: { status: string }) => variant.status !== "draft";

/** Code → message in the caller's language; codes whose message needs figures the job did not keep get the generic one. */
function audioErrorMessage(code: string, locale: Locale): string {
  const message = hasKey(locale, `errors:${code}`) ? t(locale, `errors:${code}`) : "";
  return message && !message.includes("{{") ? message : t(locale, "errors:audio_failed");
}

export function presentAudio(variant: VariantRecord, ctx: PresentContext) {
  const status = (AUDIO_STATUSES as readonly string[]).includes(variant.audioStatus) ? (variant.audioStatus as (typeof AUDIO_STATUSES)[number]) : "none";
  const measured = variant.inputLufs !== null || variant.outputLufs !== null || variant.truePeakDbtp !== null;
  return {
    status,
    progress: variant.audioProgress,
    error: variant.audioErrorCode
      ? { code: variant.audioErrorCode, message: audioErrorMessage(variant.audioErrorCode, ctx.locale), detail: variant.audioErrorMessage }
      : null,
    durationSeconds: variant.durationSeconds,
    loudness: measured ? { inputLufs: variant.inputLufs, outputLufs: variant.outputLufs, truePeakDbtp: variant.truePeakDbtp } : null,
    // The public (tracked) addresses: what feeds and pages hand out, so producers can check them.
    renditions: variant.renditions.map((r) => ({
      kind: r.kind,
      mimeType: r.mimeType,
      bitrateKbps: r.bitrateKbps,
      bytes: r.bytes,
      sha256: r.sha256,
      durationSeconds: r.durationSeconds,
      url: absoluteUrl(ctx.publicBaseUrl, mediaPath(variant.id, r)),
    })),
  };
}

export function presentVariant(variant: VariantRecord, ctx: PresentContext) {
  const status = effectiveStatus(variant, ctx.now);
  const wentLiveOnSchedule = status === "published" && variant.status === "scheduled";
  return {
    id: variant.id,
    locale: variant.locale as Locale,
    guid: variant.guid,
    title: variant.title,
    summary: variant.summary,
    showNotes: variant.showNotesMarkdown,
    showNotesHtml: variant.showNotesHtml,
    status,
    publishAt: variant.publishAt?.toISOString() ?? null,
    publishedAt: (wentLiveOnSchedule ? variant.publishAt : variant.publishedAt)?.toISOString() ?? null,
    audio: presentAudio(variant, ctx),
    transcriptUrl: variant.transcriptKey ? absoluteUrl(ctx.publicBaseUrl, transcriptPath(variant.id, variant.transcriptKey)) : null,
    chaptersUrl: variant.chaptersKey ? absoluteUrl(ctx.publicBaseUrl, chaptersPath(variant.id, variant.chaptersKey)) : null,
    updatedAt: variant.updatedAt.toISOString(),
  };
}

export function presentEpisode(episode: EpisodeRecord, ctx: PresentContext) {
  const variants: Partial<Record<Locale, ReturnType<typeof presentVariant>>> = {};
  for (const locale of SUPPORTED_LOCALES) {
    const variant = episode.variants.find((v) => v.locale === locale);
    if (variant) variants[locale] = presentVariant(variant, ctx);
  }
  return {
    id: episode.id,
    showId: episode.showId,
    slug: episode.slug,
    slugEditable: !episode.variants.some(hasLeftDraft),
    season: episode.season,
    number: episode.number,
    type: ((EPISODE_TYPES as readonly string[]).includes(episode.type) ? episode.type : "full") as (typeof EPISODE_TYPES)[number],
    variants,
    createdAt: episode.createdAt.toISOString(),
    updatedAt: episode.updatedAt.toISOString(),
  };
}
