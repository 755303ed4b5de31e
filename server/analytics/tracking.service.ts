import type { Clock } from "../adapters/clock.ts";
import { countryOf, loadCountryDatabase } from "../adapters/geo.ts";
import type { Logger } from "../adapters/logger.ts";
import type { Storage } from "../adapters/storage/storage.ts";
import { notFound } from "../errors.ts";
import { mediaPath } from "../http/public-urls.ts";
import { EventBuffer } from "./event-buffer.ts";
import { downloadThresholdBytes, isCountableRequest, RangeCoverage, utcDay } from "./iab.ts";
import { listenerHash, type SaltStore } from "./privacy.ts";
import type { DownloadRow, LiveMediaRecord, TrackingRepository } from "./tracking.repository.ts";
import type { UserAgentInfo } from "./user-agent.ts";

// Tracked delivery: which file a /media/… URL delivers, and whether (and when) a request for it
// counts as a download (IAB v2.2, see notes in README "Listener analytics"). Nothing here waits on
// the database during a request except resolving the media (cached): counted downloads go to an
// in-memory buffer written in batches. The IP address is used only inside recording calls — to
// look up the country and compute the listener hash — and is never stored or logged.

/** What a media request tells analytics; the IP stays in memory for the duration of the call. */
export interface MediaRequestFacts {
  method: string;
  rangeHeader?: string;
  userAgent?: string;
  referrer?: string;
  /** The URL carried `player=sada` (Sada's own web player). */
  sadaPlayer: boolean;
  /** A syntactically valid campaign code from `?c=` (unknown codes are attributed to no campaign). */
  campaignCode?: string;
  ip?: string;
}

export interface MediaTarget {
  variantId: string;
  episodeId: string;
  showId: string;
  locale: string;
  kind: string;
  storageKey: string;
  contentType: string;
  /** Bytes that must have been delivered from offset 0 for the download to count. */
  thresholdBytes: number;
}

/** A download waiting in the buffer: its row, the campaign id filled in from the code when written. */
type PendingDownload = DownloadRow & { campaignCode: string };

interface Listener {
  day: string;
  hash: string;
  country: string;
  agent: UserAgentInfo;
  referrer: string;
  campaignCode: string;
  at: Date;
}

export interface TrackingServiceDeps {
  repository: TrackingRepository;
  salts: SaltStore;
  storage: Storage;
  clock: Clock;
  logger: Logger;
  /** config.http.publicBaseUrl: referrers from Sada's own pages are not stored as referrers. */
  publicBaseUrl: string;
  flushMs: number;
  bufferMax: number;
  /** How long a redirect location (presigned URL) is reused; 0 = sign each time. */
  redirectReuseMs: number;
}

/** A live/unpublished answer is reused this long: publishing or unpublishing shows within a second. */
const MEDIA_LOOKUP_TTL_MS = 1000;
const MEDIA_CACHE_ENTRIES = 5000;
/** Listeners whose delivered bytes (or counted state) are remembered, per process (×2, see RecentMap). */
const LISTENER_ENTRIES = 50_000;
const CAMPAIGN_TTL_MS = 60_000;
/** Downloads per write transaction. */
export const INSERT_BATCH = 5000;
const SALT_PURGE_EVERY_MS = 3_600_000;
const MAX_REFERRER_HOST = 255;

export class TrackingService {
  private readonly buffer: EventBuffer<PendingDownload>;
  private readonly media = new RecentMap<{ at: number; targets: Promise<Map<string, MediaTarget> | null> }>(MEDIA_CACHE_ENTRIES);
  /** Per (variant, day, listener): `true` once counted, else per rendition the bytes delivered so far. */
  private readonly listeners = new RecentMap<true | RangeCoverage>(LISTENER_ENTRIES);
  private readonly campaigns = new Map<string, { at: number; id: string }>();
  private readonly redirects = new RecentMap<{ at: number; location: string | null }>(MEDIA_CACHE_ENTRIES);
  /** Redirected requests not yet recorded (recorded together right after the current turn of the event loop). */
  private redirected: { target: MediaTarget; request: MediaRequestFacts }[] = [];
  /** Requests waiting for the day's salt (the first of each day): flush() waits for them. */
  private readonly identifying = new Set<Promise<void>>();
  private readonly ownHost: string;
  private readonly purgeTimer: NodeJS.Timeout;

  constructor(private readonly deps: TrackingServiceDeps) {
    this.ownHost = new URL(deps.publicBaseUrl).host;
    this.buffer = new EventBuffer({
      name: "downloads",
      write: (batch) => this.write(batch),
      maxEvents: deps.bufferMax,
      flushMs: deps.flushMs,
      batchSize: INSERT_BATCH,
      logger: deps.logger,
    });
    // The country tables load in the background so that no request pays for them.
    void loadCountryDatabase().catch((err) => deps.logger.error({ err }, "country database could not be loaded"));
    const purge = () => void this.purgeExpiredSalts().catch((err) => deps.logger.error({ err }, "analytics salt purge failed"));
    this.purgeTimer = setInterval(purge, SALT_PURGE_EVERY_MS);
    this.purgeTimer.unref();
    purge();
  }

  /**
   * The audio file `/media/<variantId>/<file>` names, if listeners may get it now: a live variant
   * (published, publish time reached) with a rendition of that kind stored under that extension.
   * Anything else is a 404 `media_not_found`, and nothing is counted.
   */
  async resolve(variantId: string, file: string): Promise<MediaTarget> {
    const targets = variantId.length <= 64 && file.length <= 32 ? await this.liveTargets(variantId) : null;
    const target = targets?.get(file);
    if (!target) throw notFound("media_not_found");
    return target;
  }

  /** Where to redirect for this key (CDN or presigned URL), reused for a while; null when Sada streams it. */
  async redirectLocation(key: string): Promise<string | null> {
    const now = Date.now();
    const cached = this.redirects.get(key);
    if (cached && now - cached.at < this.deps.redirectReuseMs) return cached.location;
    const location = await this.deps.storage.publicUrl(key);
    this.redirects.set(key, { at: now, location });
    return location;
  }

  /**
   * A redirect to the file (CDN/S3) is one download when the request counts at all: its bytes are
   * out of sight. The request is only queued here; it is identified and counted once the event
   * loop has answered what else is ready (setImmediate), all queued ones together: recording then
   * never runs between a response and the next one, and runs warm, many at a time.
   */
  recordRedirect(target: MediaTarget, request: MediaRequestFacts): void {
    if (this.redirected.push({ target, request }) === 1) setImmediate(this.drainRedirected);
  }

  /** Identifies and counts the queued redirects (also called by flush() and close()). */
  private readonly drainRedirected = (): void => {
    const queued = this.redirected;
    if (queued.length === 0) return;
    this.redirected = [];
    // Dated now, a few milliseconds after the request: the day's salt (only the current day's is
    // held) and the stored time then agree, also across midnight.
    for (const { target, request } of queued) {
      this.identify(request, (listener) => this.count(target, listener, this.listenerKey(target, listener)));
    }
  };

  /**
   * For bytes Sada streams itself: a function to call with each delivered byte range, which counts
   * the download once [0, threshold) is covered for this listener — across requests (play, pause,
   * play) and processes' restarts aside. Undefined when the request can never count.
   */
  deliveryRecorder(target: MediaTarget, request: MediaRequestFacts): ((start: number, endExclusive: number) => void) | undefined {
    let sink: ((start: number, endExclusive: number) => void) | undefined;
    // Bytes delivered while the day's salt was still loading (once a day, for milliseconds).
    const early: Array<[number, number]> = [];
    const countable = this.identify(request, (listener) => {
      sink = this.coverageSink(target, listener);
      for (const [start, end] of early) sink(start, end);
    });
    if (!countable) return undefined;
    return (start, end) => {
      if (sink) return sink(start, end);
      const last = early[early.length - 1];
      if (last && last[1] === start) last[1] = end;
      else if (early.length < 64) early.push([start, end]);
    };
  }

  /** Writes everything buffered so far (tests, reports that must see the latest events). */
  async flush(): Promise<void> {
    this.drainRedirected();
    await Promise.all(this.identifying);
    await this.buffer.flush();
  }

  /** Deletes day salts older than 48 hours (hourly, and once at start). */
  purgeExpiredSalts(): Promise<number> {
    return this.deps.salts.purgeExpired();
  }

  get stats() {
    return { buffered: this.buffer.size, written: this.buffer.written, dropped: this.buffer.dropped };
  }

  /** Stops timers and writes what is buffered: a clean stop loses nothing. */
  async close(): Promise<void> {
    clearInterval(this.purgeTimer);
    this.drainRedirected();
    await Promise.all(this.identifying);
    try {
      await this.buffer.close();
    } finally {
      await this.deps.repository.close();
    }
  }

  /** A live variant's targets by file name (`main.mp3`…), cached for a second; null when not live. */
  private liveTargets(variantId: string): Promise<Map<string, MediaTarget> | null> {
    const now = Date.now();
    const cached = this.media.get(variantId);
    if (cached && now - cached.at < MEDIA_LOOKUP_TTL_MS) return cached.targets;
    const targets = this.deps.repository.findLiveMedia(variantId, this.deps.clock.now()).then((record) => record && mediaTargets(record));
    this.media.set(variantId, { at: now, targets });
    targets.catch(() => this.media.delete(variantId));
    return targets;
  }

  /**
   * Decides whether the request may count and, if so, calls `then` with the listener (now when
   * the day's salt is in memory, else once it is loaded). Returns whether the request is countable.
   */
  private identify(request: MediaRequestFacts, then: (listener: Listener) => void): boolean {
    const decision = isCountableRequest({
      method: request.method,
      rangeHeader: request.rangeHeader,
      userAgent: request.userAgent,
      referrer: request.referrer,
      sadaPlayer: request.sadaPlayer,
    });
    const ip = request.ip;
    if (!decision.countable || !ip) return false;
    const now = this.deps.clock.now();
    const build = (day: string, secret: string): Listener => ({
      day,
      hash: listenerHash(secret, ip, request.userAgent),
      country: countryOf(ip),
      agent: decision.agent,
      referrer: this.referrerHost(request.referrer),
      campaignCode: request.campaignCode ?? "",
      at: now,
    });
    const secret = this.deps.salts.peekSecretForToday();
    if (secret) then(build(utcDay(now), secret));
    else {
      const identified = this.deps.salts.secretForToday().then(
        ({ day, secret }) => then(build(day, secret)),
        (err) => this.deps.logger.error({ err }, "analytics salt unavailable: request not recorded"),
      );
      this.identifying.add(identified);
      void identified.finally(() => this.identifying.delete(identified));
    }
    return true;
  }

  private listenerKey(target: MediaTarget, listener: Listener): string {
    return `${target.variantId}\n${listener.day}\n${listener.hash}`;
  }

  private coverageSink(target: MediaTarget, listener: Listener): (start: number, endExclusive: number) => void {
    const key = this.listenerKey(target, listener);
    if (this.listeners.get(key) === true) return () => undefined;
    // Byte positions are per file: the main and low-data renditions are covered separately.
    const coverageKey = `${key}\n${target.kind}`;
    let coverage = this.listeners.get(coverageKey);
    if (coverage === true || coverage === undefined) {
      coverage = new RangeCoverage(8);
      this.listeners.set(coverageKey, coverage);
    }
    const covered = coverage;
    let done = false;
    return (start, end) => {
      if (done) return;
      covered.add(start, end);
      if (covered.covers(target.thresholdBytes)) {
        done = true;
        this.listeners.delete(coverageKey);
        this.count(target, listener, key);
      }
    };
  }

  private count(target: MediaTarget, listener: Listener, key: string): void {
    // Already counted by this process: the database's unique key would ignore it anyway.
    if (this.listeners.get(key) === true) return;
    this.listeners.set(key, true);
    this.buffer.push({
      day: listener.day,
      variantId: target.variantId,
      episodeId: target.episodeId,
      showId: target.showId,
      locale: target.locale,
      listenerHash: listener.hash,
      at: listener.at,
      country: listener.country,
      app: listener.agent.app,
      device: listener.agent.device,
      os: listener.agent.os,
      campaignCode: listener.campaignCode,
      campaignId: "",
      referrer: listener.referrer,
    });
  }

  /** The referring site's host name, when the player was on another site than Sada's pages. */
  private referrerHost(referrer: string | undefined): string {
    if (!referrer) return "";
    try {
      const host = new URL(referrer).host.toLowerCase();
      return host === this.ownHost ? "" : host.slice(0, MAX_REFERRER_HOST);
    } catch {
      return "";
    }
  }

  private async write(batch: PendingDownload[]): Promise<void> {
    const campaignIds = await this.campaignIds(batch);
    // In place: copying every buffered download would double what the buffer allocates.
    for (const download of batch) download.campaignId = download.campaignCode ? (campaignIds.get(download.campaignCode) ?? "") : "";
    await this.deps.repository.insertDownloads(batch);
  }

  /** Campaign code → id, from a small cache refreshed every minute (unknown codes → ""). */
  private async campaignIds(batch: PendingDownload[]): Promise<Map<string, string>> {
    const now = Date.now();
    const ids = new Map<string, string>();
    const missing = new Set<string>();
    for (const { campaignCode } of batch) {
      if (!campaignCode || ids.has(campaignCode)) continue;
      const cached = this.campaigns.get(campaignCode);
      if (cached && now - cached.at < CAMPAIGN_TTL_MS) ids.set(campaignCode, cached.id);
      else missing.add(campaignCode);
    }
    if (missing.size > 0) {
      const found = await this.deps.repository.campaignIdsByCode([...missing]);
      if (this.campaigns.size > 10_000) this.campaigns.clear();
      for (const code of missing) {
        const id = found.get(code) ?? "";
        this.campaigns.set(code, { at: now, id });
        ids.set(code, id);
      }
    }
    return ids;
  }
}

/** What each rendition of a live variant delivers, by the file name its media URL ends with. */
function mediaTargets(record: LiveMediaRecord): Map<string, MediaTarget> {
  const prefix = `/media/${record.id}/`;
  const targets = new Map<string, MediaTarget>();
  for (const rendition of record.renditions) {
    // The URL must be exactly the one feeds and pages hand out (kind and the stored file's extension).
    const path = mediaPath(record.id, rendition);
    targets.set(path.slice(prefix.length), {
      variantId: record.id,
      episodeId: record.episodeId,
      showId: record.episode.showId,
      locale: record.locale,
      kind: rendition.kind,
      storageKey: rendition.storageKey,
      contentType: rendition.mimeType,
      thresholdBytes: downloadThresholdBytes(rendition),
    });
  }
  return targets;
}

/**
 * A bounded "recently used" map: entries go to the current generation; when it is full it becomes
 * the previous one and the one before is dropped whole. At most 2 × `generation` entries, O(1)
 * per operation with no per-entry eviction (a Map-based LRU pays for skipping deleted slots).
 */
class RecentMap<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();

  constructor(private readonly generation: number) {}

  get(key: string): V | undefined {
    const value = this.current.get(key);
    if (value !== undefined) return value;
    const old = this.previous.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: string, value: V): void {
    if (this.current.size >= this.generation && !this.current.has(key)) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
  }

  delete(key: string): void {
    this.current.delete(key);
    this.previous.delete(key);
  }
}
