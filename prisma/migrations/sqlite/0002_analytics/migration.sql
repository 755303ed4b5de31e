-- CreateTable
CREATE TABLE "Download" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "day" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "episodeId" TEXT NOT NULL,
    "showId" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "listenerHash" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "country" TEXT NOT NULL,
    "app" TEXT NOT NULL,
    "device" TEXT NOT NULL,
    "os" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL DEFAULT '',
    "referrer" TEXT NOT NULL DEFAULT ''
);

-- CreateTable
CREATE TABLE "DownloadDaily" (
    "day" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "episodeId" TEXT NOT NULL,
    "showId" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "app" TEXT NOT NULL,
    "device" TEXT NOT NULL,
    "os" TEXT NOT NULL,
    "country" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "downloads" INTEGER NOT NULL,

    PRIMARY KEY ("day", "variantId", "app", "device", "os", "country", "campaignId")
);

-- CreateTable
CREATE TABLE "AudienceDaily" (
    "day" TEXT NOT NULL,
    "showId" TEXT NOT NULL,
    "episodeId" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "dimension" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "downloads" INTEGER NOT NULL DEFAULT 0,
    "listeners" INTEGER NOT NULL,

    PRIMARY KEY ("day", "showId", "episodeId", "locale", "dimension", "key")
);

-- CreateTable
CREATE TABLE "AnalyticsRollup" (
    "day" TEXT NOT NULL PRIMARY KEY,
    "rolledAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Campaign" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "showId" TEXT NOT NULL,
    "episodeId" TEXT,
    "locale" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "archivedAt" DATETIME,
    CONSTRAINT "Campaign_showId_fkey" FOREIGN KEY ("showId") REFERENCES "Show" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CampaignVisit" (
    "campaignId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "visitorHash" TEXT NOT NULL,
    "country" TEXT NOT NULL,

    PRIMARY KEY ("campaignId", "day", "visitorHash")
);

-- CreateIndex
CREATE INDEX "Download_day_idx" ON "Download"("day");

-- CreateIndex
CREATE INDEX "Download_showId_day_idx" ON "Download"("showId", "day");

-- CreateIndex
CREATE UNIQUE INDEX "Download_variantId_day_listenerHash_key" ON "Download"("variantId", "day", "listenerHash");

-- CreateIndex
CREATE INDEX "DownloadDaily_showId_day_idx" ON "DownloadDaily"("showId", "day");

-- CreateIndex
CREATE INDEX "DownloadDaily_episodeId_day_idx" ON "DownloadDaily"("episodeId", "day");

-- CreateIndex
CREATE INDEX "AudienceDaily_showId_episodeId_locale_dimension_day_key_downloads_listeners_idx" ON "AudienceDaily"("showId", "episodeId", "locale", "dimension", "day", "key", "downloads", "listeners");

-- CreateIndex
CREATE UNIQUE INDEX "Campaign_code_key" ON "Campaign"("code");

-- CreateIndex
CREATE INDEX "Campaign_showId_idx" ON "Campaign"("showId");
