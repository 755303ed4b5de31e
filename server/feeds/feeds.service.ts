import { createHash } from "node:crypto";
import { promisify } from "node:util";
import zlib from "node:zlib";
import type { Clock } from "../adapters/clock.ts";
import type { Logger } from "../adapters/logger.ts";
import { notFound } from "../errors.ts";
import type { Locale } from "../i18n.ts";
import { renderFeedXml } from "./feed-xml.ts";
import { showLocales, toFeedChannel } from "./feeds.presenter.ts";
import type { FeedsRepository, FeedStateRecord, PublicShowRecord } from "./feeds.repository.ts";

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

/** A generated feed, ready to send as is: bytes in the three encodings and their validators. */
export interface RenderedFeed {
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
  /** Hash of the XML bytes, unquoted; each encoding's ETag adds its own suffix. */
  hash: string;
  lastModified: Date;
  /** lastModified as an HTTP date, formatted once. */
  lastModifiedHttp: string;
  items: number;
}

/** A feed and how long it stays exactly right (until the next scheduled variant goes live). */
export interface FeedLookup {
  feed: RenderedFeed;
  /** Clock time (ms) at which a scheduled variant becomes live; Infinity when none is scheduled. */
  dueAt: number;
}

interface CacheEntry extends FeedLookup {
  /** Fingerprint of the database state the feed was built from. */
  version: string;
  /** Clock time (ms) of the last database check; the entry is trusted for recheckMs after it. */
  checkedAt: number;
}

export interface FeedsServiceDeps {
  repository: FeedsRepository;
  clock: Clock;
  logger: Logger;
  publicBaseUrl: string;
  recheckMs: number;
  /** Memory the cached feeds (all three encodings) may take; least recently used go first. */
  maxCacheBytes?: number;
}

const MiB = 1024 * 1024;
const entryBytes = (feed: RenderedFeed) => feed.identity.length + feed.gzip.length + feed.br.length;

const time = (date: Date | null | undefined) => date?.getTime() ?? 0;

/**
 * Builds feeds and keeps them in memory. Correct with several processes and no shared cache: a
 * cached feed is reused only while a cheap fingerprint of the database (a few aggregates plus the
 * show row) is unchanged — checked at most every recheckMs, and always once the next scheduled
 * variant is due. Concurrent requests for a feed being (re)built wait for the same build.
 */
export class FeedsService {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly building = new Map<string, Promise<FeedLookup>>();
  private readonly maxCacheBytes: number;
  private cachedBytes = 0;

  constructor(private readonly deps: FeedsServiceDeps) {
    // A 1,000-episode feed takes about 3 MB in its three encodings.
    this.maxCacheBytes = deps.maxCacheBytes ?? 256 * MiB;
  }

  /**
   * The feed of a show in a language; 404 `feed_not_found` for an unknown show or a language it does not have.
   * With a campaign code (a campaign link to the feed, `/c/{code}` → `…/ar.xml?c={code}`), the
   * enclosure URLs carry the code so the downloads of apps subscribed through it are attributed to
   * it. Such feeds are cached apart; a code that is not a campaign of this show gets the plain feed
   * (so made-up codes cannot fill the cache or force rebuilds).
   */
  getFeed(slug: string, locale: Locale, campaign?: string): Promise<FeedLookup> {
    const key = `${slug}\n${locale}\n${campaign ?? ""}`;
    const entry = this.cache.get(key);
    const now = this.deps.clock.now().getTime();
    if (entry && now - entry.checkedAt < this.deps.recheckMs && now < entry.dueAt) return Promise.resolve(entry);
    let pending = this.building.get(key);
    if (!pending) {
      pending = this.refresh(key, slug, locale, campaign).finally(() => this.building.delete(key));
      this.building.set(key, pending);
    }
    return pending;
  }

  /** Forget cached feeds (all, or one show's), e.g. in tests or after a bulk import. */
  invalidate(slug?: string): void {
    for (const key of [...this.cache.keys()]) if (!slug || key.startsWith(`${slug}\n`)) this.forget(key);
  }

  private async refresh(key: string, slug: string, locale: Locale, campaign: string | undefined): Promise<FeedLookup> {
    const { repository, clock } = this.deps;
    const now = clock.now();
    const show = await repository.findShowBySlug(slug);
    if (!show || !showLocales(show).includes(locale)) {
      this.forget(key);
      throw notFound("feed_not_found", { slug, locale });
    }
    if (campaign !== undefined && !(await repository.isCampaignOfShow(campaign, show.id))) return this.getFeed(slug, locale);
    const state = await repository.feedState(show.id, now);
    const version = fingerprint(show, state);
    const dueAt = state.nextPublishAt ? state.nextPublishAt.getTime() : Infinity;
    const previous = this.cache.get(key);
    if (previous && previous.version === version) {
      previous.checkedAt = now.getTime();
      previous.dueAt = dueAt;
      this.touch(key, previous);
      return previous;
    }

    const started = performance.now();
    const enabled = showLocales(show);
    const [variants, siblings] = await Promise.all([
      repository.liveVariants(show.id, locale, now),
      repository.liveSiblings(show.id, enabled.filter((l) => l !== locale), now),
    ]);
    const channel = toFeedChannel({ show, locale, variants, siblings, publicBaseUrl: this.deps.publicBaseUrl, campaign });
    const identity = Buffer.from(renderFeedXml(channel), "utf8");
    const [gz, br] = await Promise.all([
      gzip(identity, { level: 9 }),
      brotli(identity, {
        params: {
          [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
          [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: identity.length,
        },
      }),
    ]);
    const hash = createHash("sha256").update(identity).digest("base64url").slice(0, 32);
    let lastModified = new Date(Math.max(channel.lastBuildDate.getTime(), latestChange(state)));
    if (previous && previous.feed.hash !== hash && lastModified <= previous.feed.lastModified) {
      // Something was removed (an episode deleted): no timestamp moved forward, but the feed did.
      lastModified = new Date(Math.max(now.getTime(), previous.feed.lastModified.getTime() + 1000));
    }
    if (previous && previous.feed.hash === hash) lastModified = previous.feed.lastModified;
    lastModified = new Date(Math.floor(lastModified.getTime() / 1000) * 1000); // HTTP dates have whole seconds
    const feed: RenderedFeed = { identity, gzip: gz, br, hash, lastModified, lastModifiedHttp: lastModified.toUTCString(), items: channel.items.length };
    const entry: CacheEntry = { feed, version, checkedAt: now.getTime(), dueAt };
    this.touch(key, entry);
    this.deps.logger.debug({ slug, locale, items: feed.items, bytes: identity.length, ms: Math.round(performance.now() - started) }, "feed built");
    return entry;
  }

  /** (Re)inserts as most recently used, then evicts the least recently used beyond the memory budget. */
  private touch(key: string, entry: CacheEntry): void {
    this.forget(key);
    this.cache.set(key, entry);
    this.cachedBytes += entryBytes(entry.feed);
    for (const oldest of this.cache.keys()) {
      if (this.cachedBytes <= this.maxCacheBytes || oldest === key) break;
      this.forget(oldest);
    }
  }

  private forget(key: string): void {
    const entry = this.cache.get(key);
    if (!entry) return;
    this.cachedBytes -= entryBytes(entry.feed);
    this.cache.delete(key);
  }
}

/**
 * Brotli quality for the precompressed copy. Measured on a 2.5 MB, 1,000-episode feed: 11 takes
 * ~3 s, 9 ~170 ms, 6 ~20 ms — and 6 is within a few per cent of 9 on feed XML.
 */
const BROTLI_QUALITY = 6;

/** Newest timestamp of anything that can change a feed, including changes that removed an item (unpublishing). */
function latestChange(state: FeedStateRecord): number {
  return Math.max(
    time(state.variants.maxUpdatedAt),
    time(state.episodes.maxUpdatedAt),
    time(state.renditions.maxCreatedAt),
    time(state.live.maxPublishAt),
    time(state.live.maxPublishedAt),
  );
}

function fingerprint(show: PublicShowRecord, state: FeedStateRecord): string {
  // Localizations have no updatedAt of their own, so their text is part of the fingerprint.
  const localizations = show.localizations
    .map((l) => `${l.locale}\u0000${l.title}\u0000${l.description}\u0000${l.author}\u0000${l.podcastGuid}`)
    .sort()
    .join("\u0001");
  return createHash("sha256")
    .update(
      JSON.stringify([
        show.id,
        time(show.updatedAt),
        show.locales,
        show.artworkKey,
        localizations,
        state.variants.count,
        time(state.variants.maxUpdatedAt),
        state.episodes.count,
        time(state.episodes.maxUpdatedAt),
        state.renditions.count,
        time(state.renditions.maxCreatedAt),
        state.live.count,
        time(state.live.maxPublishAt),
        time(state.live.maxPublishedAt),
      ]),
    )
    .digest("base64url");
}
