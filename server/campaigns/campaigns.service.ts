import { randomBytes } from "node:crypto";
import type { Clock } from "../adapters/clock.ts";
import { countryOf } from "../adapters/geo.ts";
import type { Logger } from "../adapters/logger.ts";
import { AppError, conflict, notFound } from "../errors.ts";
import { showLocales } from "../feeds/feeds.presenter.ts";
import { CAMPAIGN_QUERY, episodePagePath, feedPath, showPagePath } from "../http/public-urls.ts";
import type { Locale } from "../i18n.ts";
import { classifyUserAgent } from "../analytics/user-agent.ts";
import { listenerHash, type SaltStore } from "../analytics/privacy.ts";
import { isUniqueViolation, type CampaignRecord, type CampaignsRepository, type DayRange } from "./campaigns.repository.ts";
import type { CampaignTarget, CreateCampaignBody, ListCampaignsQuery, UpdateCampaignBody } from "./campaigns.schema.ts";

export interface CampaignsServiceDeps {
  repository: CampaignsRepository;
  /** The analytics day salt (shared with download counting): visitors are hashed, never stored. */
  salts: Pick<SaltStore, "secretForToday">;
  clock: Clock;
  logger: Logger;
}

/** A campaign with what its presentation needs. */
export interface CampaignView {
  campaign: CampaignRecord;
  /** Slug of the target episode, null when there is none (show/feed targets, deleted episode). */
  episodeSlug: string | null;
  visits: number;
}

/** Who followed a link, as far as counting needs: nothing of it is stored as is. */
export interface Visitor {
  ip: string;
  userAgent: string | undefined;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 62^8 ≈ 2·10^14 codes: walking them to find campaigns is hopeless; short enough to read out on the radio. */
export const GENERATED_CODE_LENGTH = 8;
const GENERATE_ATTEMPTS = 5;
/** Recently recorded visits, so a flood from one visitor costs no database write. */
const RECENT_VISITS_MAX = 50_000;

/** A random base62 code (rejection sampling: every character equally likely). */
export function generateCampaignCode(length = GENERATED_CODE_LENGTH): string {
  let code = "";
  while (code.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && code.length < length) code += BASE62[byte % 62];
    }
  }
  return code;
}

/** The language the link leads to: its own, or the show's default once that language is switched off. */
function targetLocale(campaign: CampaignRecord): Locale {
  const enabled = showLocales(campaign.show);
  return enabled.includes(campaign.locale as Locale) ? (campaign.locale as Locale) : (campaign.show.defaultLocale as Locale);
}

/**
 * Where a campaign leads. An episode page whose episode is gone (or not public in that language)
 * falls back to the show's page: the link keeps working and the visitor still finds the series.
 */
export function campaignTargetPath(campaign: CampaignRecord, episodeSlug: string | null): string {
  const locale = targetLocale(campaign);
  const target = campaign.target as CampaignTarget;
  if (target === "feed") return feedPath(campaign.show.slug, locale);
  if (target === "episode_page" && episodeSlug) return episodePagePath(locale, campaign.show.slug, episodeSlug);
  return showPagePath(locale, campaign.show.slug);
}

/**
 * Campaign links (`/c/{code}`): staff create them per show, episode or feed; a visit is counted
 * once per visitor and UTC day (keyed hash of network + user agent with the day's analytics salt,
 * as for downloads; bots not counted), and the visitor is sent on with `?c={code}` so the page's
 * player (or the feed's enclosures) attribute plays and downloads to the campaign.
 *
 * Links are archived, never deleted: downloads keep the campaign's id, and a link printed on a
 * poster must keep working. Archived links still redirect and count; lists hide them by default.
 */
export class CampaignsService {
  private readonly pending = new Set<Promise<void>>();
  private recent = { day: "", keys: new Set<string>() };

  constructor(private readonly deps: CampaignsServiceDeps) {}

  private async view(campaign: CampaignRecord, range: DayRange = {}): Promise<CampaignView> {
    const [slugs, visits] = await Promise.all([
      this.deps.repository.episodeSlugs(campaign.episodeId ? [campaign.episodeId] : []),
      this.deps.repository.visitCounts([campaign.id], range),
    ]);
    return { campaign, episodeSlug: campaign.episodeId ? (slugs.get(campaign.episodeId) ?? null) : null, visits: visits.get(campaign.id) ?? 0 };
  }

  private async require(id: string): Promise<CampaignRecord> {
    const campaign = await this.deps.repository.findById(id);
    if (!campaign) throw notFound("campaign_not_found");
    return campaign;
  }

  async list(query: Partial<ListCampaignsQuery> = {}): Promise<CampaignView[]> {
    const { repository } = this.deps;
    const status = query.status ?? "active";
    const campaigns = await repository.list({ archived: status === "all" ? undefined : status === "archived", showId: query.showId });
    const episodeIds = [...new Set(campaigns.flatMap((c) => (c.episodeId ? [c.episodeId] : [])))];
    const [slugs, visits] = await Promise.all([
      repository.episodeSlugs(episodeIds),
      repository.visitCounts(
        campaigns.map((c) => c.id),
        { from: query.from, to: query.to },
      ),
    ]);
    return campaigns.map((campaign) => ({
      campaign,
      episodeSlug: campaign.episodeId ? (slugs.get(campaign.episodeId) ?? null) : null,
      visits: visits.get(campaign.id) ?? 0,
    }));
  }

  async get(id: string, range: DayRange = {}): Promise<CampaignView> {
    return this.view(await this.require(id), range);
  }

  async create(input: CreateCampaignBody): Promise<CampaignView> {
    const { repository } = this.deps;
    const show = await repository.findShow(input.showId);
    if (!show) throw notFound("show_not_found");
    if (!showLocales(show).includes(input.locale)) throw new AppError("locale_not_enabled", 422, { locale: input.locale });
    let episodeId: string | null = null;
    if (input.target === "episode_page") {
      const episode = input.episodeId ? await repository.findEpisode(input.episodeId) : null;
      if (!episode || episode.showId !== show.id) throw notFound("episode_not_found");
      episodeId = episode.id;
    }
    const data = { name: input.name, target: input.target, showId: show.id, episodeId, locale: input.locale };
    // A chosen code that is taken is the user's to change; a generated one that collides is drawn again.
    for (let attempt = 1; ; attempt++) {
      const code = input.code ?? generateCampaignCode();
      try {
        return await this.view(await repository.create({ ...data, code }));
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        if (input.code || attempt >= GENERATE_ATTEMPTS) throw conflict("campaign_code_taken", { code });
      }
    }
  }

  async update(id: string, input: UpdateCampaignBody): Promise<CampaignView> {
    const current = await this.require(id);
    const archivedAt = input.archived === undefined ? undefined : input.archived ? (current.archivedAt ?? this.deps.clock.now()) : null;
    if (input.name === undefined && archivedAt === undefined) return this.view(current);
    return this.view(await this.deps.repository.update(id, { name: input.name, archivedAt }));
  }

  /**
   * `/c/{code}` → the address to send the visitor to (with the campaign parameter), and the
   * campaign to count the visit for; 404 `campaign_not_found` for an unknown code.
   */
  async destination(code: string): Promise<{ campaign: CampaignRecord; location: string }> {
    const campaign = await this.deps.repository.findByCode(code);
    if (!campaign) throw notFound("campaign_not_found");
    const episodeSlug =
      campaign.target === "episode_page" && campaign.episodeId
        ? await this.deps.repository.liveEpisodeSlug(campaign.episodeId, targetLocale(campaign), this.deps.clock.now())
        : null;
    const path = campaignTargetPath(campaign, episodeSlug);
    return { campaign, location: `${path}?${CAMPAIGN_QUERY}=${encodeURIComponent(campaign.code)}` };
  }

  /**
   * Counts a visit in the background (the redirect never waits for it). Bots and requests without
   * a user agent are not counted. Only the keyed hash and the country are stored.
   */
  recordVisit(campaignId: string, visitor: Visitor): void {
    if (!visitor.userAgent?.trim() || classifyUserAgent(visitor.userAgent).bot) return;
    const task = this.insertVisit(campaignId, visitor)
      .catch((err: unknown) => this.deps.logger.error({ err, campaignId }, "campaign visit not recorded"))
      .finally(() => this.pending.delete(task));
    this.pending.add(task);
  }

  /** Resolves once every visit recorded so far is written (tests; shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private async insertVisit(campaignId: string, visitor: Visitor): Promise<void> {
    const { day, secret } = await this.deps.salts.secretForToday();
    const visitorHash = listenerHash(secret, visitor.ip, visitor.userAgent);
    if (this.recent.day !== day || this.recent.keys.size >= RECENT_VISITS_MAX) this.recent = { day, keys: new Set() };
    const key = `${campaignId}\n${visitorHash}`;
    if (this.recent.keys.has(key)) return;
    await this.deps.repository.insertVisitIfAbsent({ campaignId, day, visitorHash, country: countryOf(visitor.ip) });
    this.recent.keys.add(key);
  }
}
