-- CreateTable
CREATE TABLE "AudienceMonthly" (
    "month" TEXT NOT NULL,
    "showId" TEXT NOT NULL,
    "episodeId" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "dimension" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "downloads" INTEGER NOT NULL DEFAULT 0,
    "listenersSum" INTEGER NOT NULL,
    "listenersPeak" INTEGER NOT NULL,

    CONSTRAINT "AudienceMonthly_pkey" PRIMARY KEY ("month","showId","episodeId","locale","dimension","key")
);

-- CreateTable
CREATE TABLE "AudienceMonthlyDay" (
    "day" TEXT NOT NULL,

    CONSTRAINT "AudienceMonthlyDay_pkey" PRIMARY KEY ("day")
);

-- CreateIndex
CREATE INDEX "AudienceMonthly_showId_episodeId_locale_dimension_month_key_idx" ON "AudienceMonthly"("showId", "episodeId", "locale", "dimension", "month", "key", "downloads", "listenersSum", "listenersPeak");

-- Days rolled up before this migration: AudienceMonthly starts out as the sum of all of them.
INSERT INTO "AudienceMonthly" ("month", "showId", "episodeId", "locale", "dimension", "key", "downloads", "listenersSum", "listenersPeak")
SELECT substr("day", 1, 7), "showId", "episodeId", "locale", "dimension", "key", SUM("downloads"), SUM("listeners"), MAX("listeners")
FROM "AudienceDaily"
GROUP BY substr("day", 1, 7), "showId", "episodeId", "locale", "dimension", "key";

INSERT INTO "AudienceMonthlyDay" ("day") SELECT "day" FROM "AnalyticsRollup" UNION SELECT "day" FROM "AudienceDaily";
