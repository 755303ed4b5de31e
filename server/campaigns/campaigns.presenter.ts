import { absoluteUrl } from "../http/public-urls.ts";
import type { Locale } from "../i18n.ts";
import type { CampaignTarget } from "./campaigns.schema.ts";
import { campaignTargetPath, type CampaignView } from "./campaigns.service.ts";

/** The public path of a campaign link. */
export const campaignLinkPath = (code: string) => `/c/${code}`;

export function presentCampaign({ campaign, episodeSlug, visits }: CampaignView, publicBaseUrl: string) {
  return {
    id: campaign.id,
    code: campaign.code,
    name: campaign.name,
    target: campaign.target as CampaignTarget,
    showId: campaign.showId,
    episodeId: campaign.episodeId,
    locale: campaign.locale as Locale,
    url: absoluteUrl(publicBaseUrl, campaignLinkPath(campaign.code)),
    targetUrl: absoluteUrl(publicBaseUrl, campaignTargetPath(campaign, episodeSlug)),
    archived: campaign.archivedAt !== null,
    archivedAt: campaign.archivedAt?.toISOString() ?? null,
    createdAt: campaign.createdAt.toISOString(),
    updatedAt: campaign.updatedAt.toISOString(),
    visits,
  };
}
export type CampaignJson = ReturnType<typeof presentCampaign>;
