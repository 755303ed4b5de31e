import { describe, expect, it } from "vitest";
import { classifyUserAgent, clearUserAgentCache, SADA_WEB_PLAYER } from "../../server/analytics/user-agent.ts";

// Real user agents (most from the OPAWG example lists) → [app, device, os].
const APPS: Array<[string, string, string, string]> = [
  ["Podcasts/1440.4 CFNetwork/1128.0.1 Darwin/19.6.0", "Apple Podcasts", "phone", "iOS"],
  ["Podcasts/1410.53 CFNetwork/1111 Darwin/19.0.0 (x86_64)", "Apple Podcasts", "computer", "macOS"],
  ["البودكاست/1530.3 CFNetwork/1209 Darwin/20.2.0", "Apple Podcasts", "phone", "iOS"],
  ["Balados/1660.5 CFNetwork/1335.0.3 Darwin/21.6.0", "Apple Podcasts", "phone", "iOS"],
  ["%D8%A7%D9%84%D8%A8%D9%88%D8%AF%D9%83%D8%A7%D8%B3%D8%AA/1410.25.1 CFNetwork/1107.1 Darwin/19.0.0", "Apple Podcasts", "phone", "iOS"],
  ["AppleCoreMedia/1.0.0.19E239 (iPhone; U; CPU OS 15_4 like Mac OS X; sv_se)", "Apple Podcasts", "phone", "iOS"],
  ["AppleCoreMedia/1.0.0.17A860 (iPad; U; CPU OS 13_1_2 like Mac OS X; en_us)", "Apple Podcasts", "tablet", "iOS"],
  ["AppleCoreMedia/1.0.0.19A583 (Macintosh; U; Intel Mac OS X 10_15; en_us)", "Apple Podcasts", "computer", "macOS"],
  ["iTunes/12.10.9 (Windows; Microsoft Windows 10 x64 Home Premium Edition (Build 19041); x64) AppleWebKit/7609.3005.1003.3", "Apple Podcasts", "computer", "Windows"],
  ["Spotify/8.7.10 iOS/15.3.1 (iPhone13,2)", "Spotify", "phone", "iOS"],
  ["Spotify/8.8.0 Android/31 (SM-G991B)", "Spotify", "phone", "Android"],
  ["Overcast/3.0 (+http://overcast.fm/; iOS podcast app)", "Overcast", "phone", "iOS"],
  ["Overcast/792 CFNetwork/1098.7 Darwin/19.0.0", "Overcast", "phone", "iOS"],
  ["Shifty Jelly Pocket Casts, iOS v4.2", "Pocket Casts", "phone", "iOS"],
  ["Pocket Casts", "Pocket Casts", "other", "other"],
  ["CastBox/8.2.6-191015245 (Linux;Android 10) ExoPlayerLib/2.10.4", "CastBox", "phone", "Android"],
  ["CastBox/8.5.1 (fm.castbox.audiobook.radio.podcast; build:11; iOS 13.1.2)", "CastBox", "phone", "iOS"],
  ["PodcastAddict/v5 ( https://podcastaddict.com/; Android podcast app)", "Podcast Addict", "phone", "Android"],
  ["Podcast Addict - Dalvik/2.1.0 (Linux; U; Android 9; SM-G960F Build/PPR1.180610.011)", "Podcast Addict", "phone", "Android"],
  ["de.danoeh.antennapod/1.7.3b (Linux;Android 8.0.0) ExoPlayerLib/2.9.3", "AntennaPod", "phone", "Android"],
  ["AntennaPod/3.4.0", "AntennaPod", "phone", "Android"],
  ["gPodder/3.10.21 (+http://gpodder.org/) Linux", "gPodder", "computer", "Linux"],
  ["gPodder/3.10.8 (+http://gpodder.org/) Windows/10", "gPodder", "computer", "Windows"],
  ["Podbean/Android App 8.1.5 (http://podbean.com),4f6852f59091d32475ef75a53325a4fe", "Podbean", "phone", "Android"],
  ["Podbean/iOS (http://podbean.com) 5.2.0 - 19c4ff292bd09cd2ccbad22cc6755a45", "Podbean", "phone", "iOS"],
  ["Deezer/6.2.3.96 (Android; 10; Mobile; fr) samsung SM-A405FN", "Deezer", "phone", "Android"],
  ["Deezer/4.20.0 (Electron; windows/10.0.18362; Desktop; fr)", "Deezer", "computer", "Windows"],
  ["AmazonMusic/9.16.1 iPhone9,1 CFNetwork/1128.0.1 Darwin/19.6.0", "Amazon Music", "phone", "iOS"],
  ["AmazonMusic/16.17.0 Dalvik/2.1.0 (Linux; U; Android 6.0.1; vivo 1610 Build/MMB29M)", "Amazon Music", "phone", "Android"],
  ["Audible/3.41 CFNetwork/1240.0.4 Darwin/20.6.0", "Audible", "phone", "iOS"],
  ["com.google.android.apps.youtube.music/62354340 (Linux; U; Android 14; en_US; Pixel 7 Pro; Build/UP1A.231105.002; Cronet/114.0.5735.84)", "YouTube Music", "phone", "Android"],
  ["YouTubeMusic/6.29.2 CFNetwork/1485 Darwin/23.1.0", "YouTube Music", "phone", "iOS"],
  ["GooglePodcasts/2.0.10 iPhone/14.6 hw/iPhone12_1", "Google Podcasts", "phone", "iOS"],
  ["Castro 2020.14/1287", "Castro", "phone", "iOS"],
  ["Castro/1024 CFNetwork/955.1.2 Darwin/18.0.0", "Castro", "phone", "iOS"],
  ["iHeartRadio/9.20.0 (iPhone; iOS 13.4.1; iPhone11,8)", "iHeartRadio", "phone", "iOS"],
  ["iHeartRadio/9.19.0 (Android 10; SM-G960U Build/QP1A.190711.020)", "iHeartRadio", "phone", "Android"],
  ["PodcastRepublic/18.0 (Linux; U; Android 10;blueline/QP1A.190711.020.C3)", "Podcast Republic", "phone", "Android"],
  ["Player%20FM/588 CFNetwork/1121.2.2 Darwin/19.2.0", "Player FM", "phone", "iOS"],
  ["PodcastGuru 2.0.2-beta3", "Podcast Guru", "other", "other"],
  ["Podverse/Android Mobile App", "Podverse", "phone", "Android"],
  ["podverse/393 CFNetwork/1128.0.1 Darwin/19.6.0", "Podverse", "phone", "iOS"],
  ["Fountain/0.3.13 android https://www.fountain.fm", "Fountain", "phone", "Android"],
  ["fountainapp/565 CFNetwork/1399 Darwin/22.1.0", "Fountain", "phone", "iOS"],
  [
    "Podfriend/1.0 Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) PodFriend/0.7.11 Chrome/83.0.4103.122 Electron/9.2.0 Safari/537.36",
    "Podfriend",
    "computer",
    "Windows",
  ],
  ["breez/5585.1 CFNetwork/1402 Darwin/22.2.0", "Breez", "phone", "iOS"],
  ["Stitcher/28420 CFNetwork/609.1.4 Darwin/13.0.0", "Stitcher", "phone", "iOS"],
  ["TuneIn Radio/24.2 (Linux;Android 10) ExoPlayerLib/2.11.4", "TuneIn", "phone", "Android"],
  ["Pandora/2009.2 Android/7.1.1 gteslteatt (ExoPlayerLib1.5.14.1)", "Pandora", "phone", "Android"],
  ["luminary.next/1.25 (Linux;Android 9) ExoPlayerLib/2.10.5", "Luminary", "phone", "Android"],
  ["Downcast/2.9.57 (iPad; iOS 14.2; Scale/2.00)", "Downcast", "tablet", "iOS"],
  ["Downcast/2.9.57 (Mac OS X Version 10.15.7 (Build 19H15))", "Downcast", "computer", "macOS"],
  ["Himalaya/2.4.42 (iPhone; iOS 14.2; Scale/2.00; CFNetwork; iPhone8,1)", "Himalaya", "phone", "iOS"],
  ["Anghami Android 6.1.157 / V 11 (6011570) Google store", "Anghami", "phone", "Android"],
  ["%D8%A3%D9%86%D8%BA%D8%A7%D9%85%D9%8A/601041 CFNetwork/1335.0.3 Darwin/21.6.0", "Anghami", "phone", "iOS"],
  ["com.jio.media.jiobeats/7.3.1 (Linux;Android 8.1.0) ExoPlayerLib/2.11.4", "JioSaavn", "phone", "Android"],
  ["RadioPublic/android-2.2", "RadioPublic", "phone", "Android"],
  ["ProCast/1 CFNetwork/1240.0.4 Darwin/20.6.0", "ProCast", "phone", "iOS"],
  ["Mozilla/5.0 (Linux; U; en-us; BeyondPod 4)", "BeyondPod", "phone", "Android"],
  ["Mozilla/5.0 (Linux; U; Windows NT 6.1; en-us; dream) DoggCatcher", "DoggCatcher", "phone", "Android"],
  ["Podkicker/3.7.7", "Podkicker", "phone", "Android"],
  ["Snipd/90 CFNetwork/1329 Darwin/21.3.0", "Snipd", "phone", "iOS"],
  ["Airr/4070 CFNetwork/1206 Darwin/20.1.0", "Airr", "phone", "iOS"],
  ["MoonFM/128 CFNetwork/978.0.7 Darwin/18.7.0", "Moon FM", "phone", "iOS"],
  ["Laughable/2.1.6.1 CFNetwork/808.1.4 Darwin/16.1.0", "Laughable", "phone", "iOS"],
  ["NRC Audio/2.0.0 (nl.nrc.audio; build:29; Android 12; Sdk:31; Manufacturer:samsung; Model: SM-G975F) OkHttp/4.9.3", "NRC Audio", "phone", "Android"],
  ["Podeo/4.2.3 (Linux;Android 12) ExoPlayerLib/2.11.7", "Podeo", "phone", "Android"],
  ["Boomplay/5.1.5 (iPhone; iOS 12.4.7; Scale/3.00)", "Boomplay", "phone", "iOS"],
  ["Goodpods.Android / 3.2.9", "Goodpods", "phone", "Android"],
  ["iVooxApp/3.85 (iPhone; iOS; iOS 15.6.1; d:16910714; 113F)", "iVoox", "phone", "iOS"],
  ["Castamatic/3847 CFNetwork/1240.0.4 Darwin/20.6.0", "Castamatic", "phone", "iOS"],
  ["ThePodcastApp/6.28.1 (iPhone; iOS 16.0.2; ) player (build 6391; +https://podcast.app/)", "The Podcast App", "phone", "iOS"],
  ["Podimo/1.11.3 build 91/Android 28", "Podimo", "phone", "Android"],
  ["radio.fr 5.6.22 (iPhone; iPhone OS 16.4; fr_FR)", "radio.net", "phone", "iOS"],
  ["Anytime/1.2.1 b74 (phone;android QP1A.190711.020.G965USQU9FVB2) https://github.com/amugofjava/anytime_podcast_player", "Anytime Podcast Player", "phone", "Android"],
  ["sp-agent", "Samsung Podcasts", "phone", "Android"],
  ["VLC/3.0.8 LibVLC/3.0.8", "VLC", "other", "other"],
  ["NSPlayer/12.00.18362.0418 WMFSDK/12.00.18362.0418", "Windows Media Player", "computer", "Windows"],
  [
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.0.0 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/440.0.0.31.105;]",
    "Facebook",
    "phone",
    "Android",
  ],
  [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 12_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 108.0.0.9.119 (iPhone9,3; iOS 12_3_1; en_IN; en-IN; scale=2.00; 750x1334; 168879348)",
    "Instagram",
    "phone",
    "iOS",
  ],
];

// Smart speakers, watches, TVs and cars.
const DEVICES: Array<[string, string, string, string]> = [
  ["AlexaMediaPlayer/2.1.4676.0 (Linux;Android 5.1.1) ExoPlayerLib/1.5.9", "Amazon Alexa", "smart_speaker", "Android"],
  ["Echo/1.0(APNG)", "Amazon Alexa", "smart_speaker", "other"],
  ["Amazon;Echo_Dot;27d4dfe427b34d57995b463e5d63198d;;tpapi;3.199.422", "Amazon Alexa", "smart_speaker", "other"],
  [
    "Mozilla/5.0 (X11; Linux aarch64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/90.0.4430.225 Safari/537.36 CrKey/1.56.500000 DeviceType/SmartSpeaker",
    "Google Home / Nest",
    "smart_speaker",
    "Chromecast",
  ],
  ["Mozilla/5.0 (Fuchsia) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 CrKey/1.56.500000", "Google Home / Nest", "smart_speaker", "Chromecast"],
  ["Linux UPnP/1.0 Sonos/72.2-35130 (ZPS9)", "Sonos", "smart_speaker", "Linux"],
  ["AirPodcasts/4022.700.8 CFNetwork/1410.0.3 Darwin/22.6.0", "Apple Podcasts", "smart_speaker", "audioOS"],
  ["AppleCoreMedia/1.0.0.16G78 (HomePod; U; CPU OS 12_4 like Mac OS X; en_us)", "Apple Podcasts", "smart_speaker", "audioOS"],
  ["Bose;Bose_Home_Speaker_500;1d2cf25b1643474983fae381b00cea3c;;tpapi;3.198.103", "Bose SoundTouch", "smart_speaker", "other"],
  ["atc/1.0 watchOS/7.1 model/Watch5,1 hwp/t8006 build/18R590 (6; dt:201)", "Apple Podcasts", "watch", "watchOS"],
  ["Overcast ( http://overcast.fm/; Apple Watch podcast app)", "Overcast", "watch", "watchOS"],
  ["Spotify/8.7.76.359 SM-R870/30 (SM-R870)", "Spotify", "watch", "other"],
  ["Garmin Forerunner 245 Music/11.60", "Garmin watch", "watch", "other"],
  ["AppleCoreMedia/1.0.0.17J586 (Apple TV; U; CPU OS 13_0 like Mac OS X; en_us)", "Apple Podcasts", "tv", "tvOS"],
  ["Mozilla/5.0 (SMART-TV; LINUX; Tizen 4.0) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 TV Safari/537.36", "Safari", "tv", "Tizen"],
  ["Roku/DVP-9.10 (499.10E04121A)", "Roku", "tv", "other"],
  ["Amazon;AFTT;756a522d9f1648b89e76e80be654456a;;tpapi", "Amazon Fire TV", "tv", "Fire OS"],
  ["Google;ChromecastHD;756a522d9f1648b89e76e80be654456a;;tpapi;3.200.454", "Chromecast", "tv", "other"],
  ["microsoft;xbox_one;1fc2d01aa9074dde950e8d3dc0eb1729;;tpapi;3.167.55", "Xbox", "tv", "other"],
  ["Spotify/4.3.2.0 Polestar/30 (Polestar)", "Spotify", "car", "other"],
  [
    "Mozilla/5.0 (X11; GNU/Linux) AppleWebKit/537.36 (KHTML, like Gecko) Chromium/79.0.3945.130 Chrome/79.0.3945.130 Safari/537.36 Tesla/2020.16.2.1-e99c70fff409",
    "Other browser",
    "car",
    "Linux",
  ],
];

const BROWSERS: Array<[string, string, string, string]> = [
  ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", "Chrome", "computer", "Windows"],
  ["Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36", "Chrome", "phone", "Android"],
  ["Mozilla/5.0 (Linux; Android 12; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", "Chrome", "tablet", "Android"],
  ["Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", "Chrome", "computer", "ChromeOS"],
  ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1", "Safari", "phone", "iOS"],
  ["Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1", "Safari", "tablet", "iOS"],
  ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15", "Safari", "computer", "macOS"],
  ["Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "Firefox", "computer", "Linux"],
  ["Mozilla/5.0 (Android 13; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0", "Firefox", "phone", "Android"],
  ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0", "Edge", "computer", "Windows"],
  [
    "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
    "Samsung Internet",
    "phone",
    "Android",
  ],
  ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0", "Opera", "computer", "Windows"],
];

// Feed fetchers, caches, crawlers, link previews and scripts.
const BOTS = [
  "Overcast/1.0 Podcast Sync (+http://overcast.fm/)",
  "PlayerFM/1.0 Podcast Sync (0 subscribers; url=https://player.fm/series/series-2567872)",
  "Spotify/1.0",
  "iTMS",
  "Podbean/FeedUpdate 1.1",
  "PodbeanFeedReader/6.0 (Feed Parser; http://www.podbean.com/; Allow like Gecko) Build/20251103053444",
  "Podcastindex.org/v0.3.3 (Aggrivate)",
  "Aggrivator (PodcastIndex.org)/v0.1.7",
  "PocketCasts/1.0 (Pocket Casts Feed Parser; +http://pocketcasts.com/)",
  "mygpo-feedservice +http://feeds.gpodder.net/",
  "Podchaser-Parser",
  "Podverse/Feed Parser",
  "Amazon Music Podcast",
  "AmazonNewsContentService",
  "ListenNotes/3.0 (id=c1ef144e30174bf6ba1fedf9174ed908; +https://www.listennotes.com/about/)",
  "Feedfetcher-Google; (+http://www.google.com/feedfetcher.html; 1 subscribers; feed-id=4653447469100830145)",
  "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
  "WhatsApp/2.23.20.0 A",
  "TelegramBot (like TwitterBot)",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/105.0.5173.0 Safari/537.36",
  "python-requests/2.31.0",
  "curl/8.4.0",
  "Wget/1.21.4",
  "Go-http-client/2.0",
  "okhttp/4.9.3",
  "axios/1.6.2",
  "Mozilla/5.0",
  "Podcast Transcriber 2.0 (https://example.com/podcast-transcriber)",
];

describe("classifyUserAgent", () => {
  it.each(APPS)("identifies the app in %s", (ua, app, device, os) => {
    expect(classifyUserAgent(ua)).toEqual({ app, device, os, bot: false });
  });

  it("knows at least 40 podcast apps and platforms", () => {
    const apps = new Set([...APPS, ...DEVICES].map(([, app]) => app));
    expect(apps.size).toBeGreaterThanOrEqual(40);
  });

  it.each(DEVICES)("recognises the device of %s", (ua, app, device, os) => {
    expect(classifyUserAgent(ua)).toEqual({ app, device, os, bot: false });
  });

  it.each(BROWSERS)("names the browser of %s", (ua, app, device, os) => {
    expect(classifyUserAgent(ua)).toEqual({ app, device, os, bot: false });
  });

  it.each(BOTS)("flags %s as a bot", (ua) => {
    expect(classifyUserAgent(ua).bot).toBe(true);
  });

  it("treats a missing or blank user agent as a bot", () => {
    for (const ua of [undefined, null, "", "   ", "\r\n"]) {
      expect(classifyUserAgent(ua)).toEqual({ app: "other", device: "other", os: "other", bot: true });
    }
  });

  it("reports unknown agents as 'other' without guessing the app", () => {
    expect(classifyUserAgent("SadaTestPlayer/12 CFNetwork/1402 Darwin/22.2.0")).toEqual({ app: "other", device: "phone", os: "iOS", bot: false });
    expect(classifyUserAgent("MyApp/1.0 (Linux;Android 12) ExoPlayerLib/2.18.1")).toEqual({ app: "other", device: "phone", os: "Android", bot: false });
    expect(classifyUserAgent("Dalvik/2.1.0 (Linux; U; Android 9; SM-N950U Build/PPR1.180610.011)")).toEqual({
      app: "other",
      device: "phone",
      os: "Android",
      bot: false,
    });
    // An Android app's web view: a browser engine, but not a browser someone chose.
    expect(classifyUserAgent("Mozilla/5.0 (Linux; Android 9; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.0.0 Mobile Safari/537.36").app).toBe(
      "other",
    );
  });

  it("checks known apps before generic bot rules, which flag many podcast apps", () => {
    // isbot alone calls these bots (bare name/version, or a URL in the agent).
    for (const ua of ["Pocket Casts", "Podkicker/3.7.7", "AntennaPod/3.4.0", "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)"]) {
      expect(classifyUserAgent(ua).bot).toBe(false);
    }
  });

  it("attributes plays of Sada's own player, whatever the browser", () => {
    const chrome = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36";
    expect(classifyUserAgent(chrome, { sadaPlayer: true })).toEqual({ app: SADA_WEB_PLAYER, device: "phone", os: "Android", bot: false });
    // …but a bot fetching a player URL stays a bot.
    expect(classifyUserAgent("curl/8.4.0", { sadaPlayer: true }).bot).toBe(true);
  });

  it("names web apps by their Referer when the agent is a browser", () => {
    const firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0";
    expect(classifyUserAgent(firefox, { referrer: "https://curiocaster.com/" }).app).toBe("CurioCaster");
    expect(classifyUserAgent(firefox, { referrer: "https://www.podchaser.com/podcasts/x" }).app).toBe("Podchaser");
    expect(classifyUserAgent(firefox, { referrer: "https://play.pocketcasts.com/podcasts/abc" }).app).toBe("Pocket Casts");
    expect(classifyUserAgent(firefox, { referrer: "https://example.org/" }).app).toBe("Firefox");
    // An app's own agent wins over a referrer.
    expect(classifyUserAgent("Spotify/8.7.10 iOS/15.3.1 (iPhone13,2)", { referrer: "https://curiocaster.com/" }).app).toBe("Spotify");
  });

  it("returns the cached result for a repeated agent", () => {
    clearUserAgentCache();
    const ua = "Podcasts/1440.4 CFNetwork/1128.0.1 Darwin/19.6.0";
    const first = classifyUserAgent(ua);
    expect(classifyUserAgent(ua)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it("ignores newlines and cuts absurdly long agents instead of failing", () => {
    expect(classifyUserAgent("Spotify/8.7.10 iOS/15.3.1\n(iPhone13,2)").app).toBe("Spotify");
    expect(classifyUserAgent(`Overcast/3.0 ${"x".repeat(100_000)}`).app).toBe("Overcast");
  });
});
