// User-agent patterns for podcast apps, bots and devices, as data.
//
// Based on the Open Podcast Analytics Working Group lists (github.com/opawg/user-agents-v2,
// src/{bots,apps,libraries,devices,referrers}.json, and the original github.com/opawg/user-agents).
// Entries were selected for podcast listening, rewritten as JavaScript RegExps, and extended where
// marked "Sada:". Matching follows OPAWG's deterministic order: bots, apps, libraries, (generic
// bot detection), browsers; the first entry that matches wins, so order inside each list matters.
//
// The OPAWG data is used under the MIT License:
//   Copyright (c) 2019-2022 Open Podcast Analytics Working Group
//   Permission is hereby granted, free of charge, to any person obtaining a copy of this software
//   and associated documentation files (the "Software"), to deal in the Software without
//   restriction, including without limitation the rights to use, copy, modify, merge, publish,
//   distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
//   Software is furnished to do so, subject to the following conditions:
//   The above copyright notice and this permission notice shall be included in all copies or
//   substantial portions of the Software.
//   THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
//   BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
//   NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
//   DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
//   OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.

export type DeviceType = "phone" | "tablet" | "computer" | "smart_speaker" | "watch" | "tv" | "car" | "other";

export interface AgentRule {
  name: string;
  pattern: RegExp;
  /** The app exists on this OS only: reported whatever the user agent claims (or omits). */
  os?: string;
  /** Forces the device type: the app only runs on that kind of device. */
  device?: DeviceType;
}

export interface LibraryRule extends AgentRule {
  /** Server-side HTTP clients: never a listener. */
  bot: boolean;
  /** What to report as the app; "other" when the library is shared by many unknown apps. */
  app: string;
}

const r = (name: string, pattern: RegExp, hints: Omit<AgentRule, "name" | "pattern"> = {}): AgentRule => ({ name, pattern, ...hints });

export const APPLE_PODCASTS = "Apple Podcasts";

/**
 * Feed fetchers, caches, importers, transcribers, link previews and crawlers. Checked before apps,
 * because several services reuse an app's name ("Overcast/1.0 Podcast Sync", "Podbean/FeedUpdate").
 */
export const BOT_RULES: AgentRule[] = [
  // Sada: generic signals of server-side feed/media fetchers.
  r("Podcast sync service", /Podcast Sync\b/),
  r("Feed fetcher", /[Ff]eed ?[Pp]arser|[Ff]eed ?[Ff]etcher|FeedUpdate|[Ff]eed[ -]?[Ss]ervice|\(\d+ subscribers?[;)]|\b\d+ subscribers\b/),
  r("Podcast downloader", /[Pp]odcast[-_ %]?(?:20)?([Dd]ownload(?:er)?|[Aa]rchiver|[Ii]ndexer|[Ff]etcher|[Ii]mporter|[Gg]rabber|[Pp]ipeline|[Ww]orker|[Pp]reflight)\b|[Tt]ranscri(?:be|ber|ption)|[Dd]ownload[-_ ]?[Ww]orker/),
  r("Apple Podcasts automated checks", /iTMS|itunesstored|itms/),
  r("Spotify cache service", /^Spotify\/1\.0$/),
  r("Podcast Index", /podcastindex/i),
  r("Podbean feed reader", /^Podbean\/FeedUpdate|^PodbeanFeedReader|^Podbean Importer|^Podbean Podcast Service/),
  r("Pocket Casts feed parser", /^PocketCasts\//),
  r("Podchaser parser", /^Podchaser(-Parser| \(|Parser\/)/),
  r("Downcast feed consumer", /downcast feed consumer\//),
  r("Podverse feed parser", /^Podverse\/Feed Parser/),
  r("gPodder feed service", /mygpo-feedservice/),
  r("RadioPublic crawler", /^RadioPublicDraper\//),
  r("Google Podcasts Manager", /Google-Podcast/),
  r("Amazon Music ingestion", /^Amazon Music Podcast/),
  r("Alexa Flash Briefing cache", /^AmazonNewsContentService/),
  r("Deezer Podcasters", /^Deezer Podcasters\//),
  r("Stitcher bot", /^StitcherBot/),
  r("Pandora RSS crawler", /^PandoraRSSCrawler/),
  r("Castro automated actions", /^Tentacles, Like iTunes$/),
  r("Goodpods bot", /^Goodpods\/\d+\.\d+$/),
  r("SoundOn bot", /^SoundOn\/[\d.]+\s+\(bot/),
  r("Overcast transcriber", /^Overcast%20Transcriber\//),
  r("Listen Notes", /^ListenNotes\//),
  r("Podnews", /PodnewsBot/),
  r("Chartable", /^Trackable\//),
  r("Podtrac", /^Podtrac /),
  r("Castopod", /Castopod\/\d/),
  r("Libsyn", /^Libsyn4/),
  r("Blubrry", /^Blubrry /),
  r("Buzzsprout importer", /^Buzzsprout Importer/),
  r("CastFeedValidator", /^CastFeedValidator\//),
  r("AirableBot", /AirableBot-Podcast\//),
  r("ma Podcast (agma)", /^agma\/|Podwatch-Pro Crawler/),
  r("AdsWizz", /^AIS VirtualListener|^Adswizz-podscribe\/|^Podscribe\//),
  r("Podcorn", /Podcorn\//),
  r("Podfollow", /podfollowbot\//),
  r("RedCircle", /RedCircle/),
  r("Simplecast", /^Simplecast$/),
  r("Transistor", /^Transistor\.fm\//),
  r("Anchor importer", /AnchorImport/),
  r("Captivate", /^CaptivateBot\//),
  r("Headliner", /^Headliner\/.*headliner\.app$/),
  r("OP3", /^op3-fetcher\//),
  r("Podscan", /^PodscanBot\//),
  r("Rephonic", /^Rephonic\/\d/),
  r("Podcastics", /^Podcastics$/),
  r("SupportingCast", /^SupportingCast(\/.*)?$/),
  r("Taddy", /^Taddy Podcast API /),
  r("IPFS Podcasting", /^IPFS Podcasting Node\//),
  r("Podnods", /podnods/),
  r("Podtail", /\/podtail\.com/),
  r("PodLink", /PodLink/),
  r("SiriusXM bot", /^SiriusXM\/(RSS|STT)/),
  r("Audioboom bot", /^audioBoomBot\//),
  r("Mixcloud importer", /^MixcloudPodcastImporter\//),
  r("iono.fm importer", /^iono\/feed_importer/),
  r("Freewheel", /^Freewheel\//),
  r("Gumball", /^Gumball/),
  r("Zencastr", /^Zencastr\//),
  r("Substack fetcher", /^SubstackContentFetch\//),
  r("Bullhorn", /^BullhornCrawler\/|^Bullhorn(\/[\d.]+)? \(\+?https?:/),
  r("RSS Radio crawler", /^RSSRadio \(/),
  r("Tiny Tiny RSS", /^Tiny Tiny RSS\//),
  r("UniversalFeedParser", /^UniversalFeedParser\//),
  r("FlexGet", /^FlexGet\//),
  r("castget", /^castget( |$)/),
  r("Podget", /^Podget$|^Podgrab/),
  // Link previews: they fetch a URL once when it is pasted into a chat; nobody listens.
  r("WhatsApp link preview", /^WhatsApp\//),
  r("Telegram link preview", /^TelegramBot/),
  r("Facebook crawler", /FacebookBot|facebookexternalhit|acebookexternalhit|Facebot|facebookexternalua|^facebookplatform\/|meta-externalagent|^podcastbot$/),
  r("Twitterbot", /^Twitterbot/),
  r("Slackbot", /^Slackbot/),
  r("Snapchat link preview", /developers\.snap\.com\/robots/),
  r("Microsoft Office link preview", /ms-office; MSOffice/),
  r("iOS share sheet", /^SharingUIService\/|^ShareSheetUI\//),
  // Generic HTTP tools that isbot does not know.
  r("curl", /^curl|^libcurl\/|^PycURL\/| curl\//),
  r("Wget", /Wget/),
  r("Headless browser", / HeadlessChrome\/\d|PhantomJS|Puppeteer|Playwright/),
  r("Mozilla without details", /^'?Mozilla(\/5\.0(\.\.\.)?)?$|^\(Mozilla\/5\.0\)$/),
];

/** Podcast apps, platforms, smart speakers, TVs, media players and in-app browsers. */
export const APP_RULES: AgentRule[] = [
  r("Acast", /^Acast.+([Aa]ndroid|iOS|Darwin)/),
  r("Airr", /^Airr(%20Beta)?\/|^Airr \(/, { os: "iOS" }),
  r("Amazon Alexa", /^AlexaMediaPlayer\/[\dv]|^Echo\/|^AlexaService\/|^Alexa Mobile Voice\/|^Amazon;Echo/),
  r("Amazon Fire TV", /^Amazon;AF/, { device: "tv", os: "Fire OS" }),
  r("Amazon Music", /^AmazonMusic|^Harley\/\d/),
  r("Anchor", /^AnchorFM\/|^Anchor\//),
  // "أنغامي" is Anghami's Arabic name, sent by its iOS app (also percent-encoded).
  r("Anghami", /Anghami\/|^Anghami Android|^%D8%A3%D9%86%D8%BA%D8%A7%D9%85%D9%8A\/|^أنغامي\//),
  // OPAWG also lists "antenna/… CFNetwork" here, but AntennaPod has no iOS app: left out.
  r("AntennaPod", /^AntennaPod\/|^de\.danoeh\.antennapod\//, { os: "Android" }),
  r("Anytime Podcast Player", /^Anytime\/.*amugofjava/),
  // Apple Podcasts on HomePod (playback started on the speaker itself).
  r(APPLE_PODCASTS, /^AirPodcasts\/\d/, { device: "smart_speaker", os: "audioOS" }),
  // Apple Podcasts on Apple Watch: real listens, but duplicates of the phone's (excluded by iab.ts).
  r(APPLE_PODCASTS, /^atc\/|\(null\)\/\(null\) watchOS/, { device: "watch", os: "watchOS" }),
  // The Apple Podcasts app names itself in the device language: Podcasts, Balados, البودكاست, …
  r(
    APPLE_PODCASTS,
    /^Podcasts\/|^Balados\/|^Podcasti\/|^Podcastit\/|^Podcasturi\/|^Podcasty\/|^Podcast’ler\/|^Podcast%E2%80%99ler\/|^Podkaster\/|^Podcaster\/|^Podcastok\/|^Подкасти\/|^Подкасты\/|^Подкасттар\/|^פודקאסטים\/|^البودكاست\/|^पॉडकास्ट\/|^พ็อดคาสท์\/|^播客\/|^팟캐스트\/|^ポッドキャスト\/|^%D8%A7%D9%84%D8%A8%D9%88%D8%AF%D9%83%D8%A7%D8%B3%D8%AA\/|^%D0%9F%D0%BE%D0%B4%D0%BA%D0%B0%D1%81%D1%82%D1%8B\/|^%D0%9F%D0%BE%D0%B4%D0%BA%D0%B0%D1%81%D1%82%D0%B8\/|^%D7%A4%D7%95%D7%93%D7%A7%D7%90%D7%A1%D7%98%D7%99%D7%9D\/|^%ED%8C%9F%EC%BA%90%EC%8A%A4%ED%8A%B8\/|^%D8%A7%D9%95%D8%B3%D9%85%D8%B9%D9%84%D9%8A\/|^%E6%92%AD%E5%AE%A2\/|^%E3%83%9D%E3%83%83%E3%83%89%E3%82%AD%E3%83%A3%E3%82%B9%E3%83%88\/|^Podcast\/|^%E0%B8%9E%E0%B9%87%E0%B8%AD%E0%B8%94%E0%B8%84%E0%B8%B2%E0%B8%AA%E0%B8%97%E0%B9%8C\/\d|%D0%9F%D0%BE%D0%B4%D0%BA%D0%B0%D1%81%D1%82%D1%82%D0%B0%D1%80\/\d|^%E0%A4%AA%E0%A5%89%E0%A4%A1%E0%A4%95%E0%A4%BE%E0%A4%B8%E0%A5%8D%E0%A4%9F\/\d/,
  ),
  // Sada: the iTunes desktop app (Windows, older macOS) is Apple's podcast client there.
  r(APPLE_PODCASTS, /^iTunesU?[/-]/),
  r("Apple News", /AppleNews\//),
  r("Audacy", /^Radio\.com\//),
  r("Audible", /^com\.audible\.playersdk\.player|^Audible,|^Audible.*Darwin/),
  r("AudioNow", /^Android_AudioNow/, { os: "Android" }),
  r("AudioWave", /^AudioWave\/1|^AudioWave iOS/, { os: "iOS" }),
  r("BBC Sounds", /BBC%20Sounds\/|^BBC Sounds\/|BBCiPlayerRadio\//),
  r("BeyondPod", /; BeyondPod/, { os: "Android" }),
  r("Bitcast", /^Bitcast(\.fm)?\/|^bitcast 4 reel\/|^bitcastbitcast\//),
  r("Boomplay", /^Boomplay\//),
  r("Bose SoundTouch", /^Bose\/|^Bose;Bose_/, { device: "smart_speaker" }),
  r("Breaker", /^Breaker\//),
  r("Breez", /^[Bb]reez\//),
  r("Castamatic", /^Castamatic\//, { os: "iOS" }),
  r("CastBox", /^Cast[Bb]ox/),
  r("castero", /^castero \d/),
  r("Castro", /^Castro[/ ]/, { os: "iOS" }),
  // Google speakers and displays before Chromecast and Google Podcasts, which share tokens.
  r("Google Home / Nest", /GoogleChirp|Google-Speech-Actions|Fuchsia.* CrKey\/|CrKey\/.*DeviceType\/SmartSpeaker/, { device: "smart_speaker" }),
  r("Chromecast", /CrKey\/|\(CrKey |^Google;Chromecast/, { device: "tv" }),
  r("Deezer", /^Deezer\/|^DeezerJukebox\/|^Deezer.*Electron/),
  r("DoggCatcher", /DoggCatcher/, { os: "Android" }),
  r("Doughnut", /^Doughnut\//),
  r("Downcast", /Downcast\//),
  r("Facebook", /(iPhone|iPad).* \[FBAN|iOS\/Facebook|^FB4A\/Facebook|^facebook-mobile\/|^Facebook\/|^\[FBAN\/|\[FB_IAB\//),
  r("Fathom", /^Fathom\//),
  r("foobar2000", /^foobar2000\//, { device: "computer", os: "Windows" }),
  r("Fountain", /^Fountain|^fountainapp\/\d/),
  r("Fréquence Plus", /^FrequencePlus\//),
  r("Gaana", /^GaanaAndroid-|^Gaana-iOS|^Gaana\//),
  r("Garmin watch", /^Garmin (fenix|Forerunner)/, { device: "watch" }),
  r("Global Player", /^Global Player\//),
  r("Goodpods", /Goodpods\.|^[Gg]oodpods\//),
  r("Google Podcasts", /^GooglePodcasts\/|^Podcasts$|GSA\//),
  r("gPodder", /^gPodder\/|gpodder/),
  r("Hark", /^Hark\//),
  r("Himalaya", /^Himalaya(_test)?\//),
  r("Hubhopper", /^Hubhopper$/),
  r("iCatcher", /^i[Cc]atcher|\(iCatcher/, { os: "iOS" }),
  r("iHeartRadio", /^iHeartRadio\/|^iHeartPodcasts\//),
  r("Instagram", /^Instagram\/|Mobile\/.* Instagram| Instagram \d/),
  r("iVoox", /^[iI][Vv]oox/),
  r("Jam", /^Jam\/\d.*listentojam/),
  r("JioSaavn", /^com\.jio\.media\.jiobeats|^com\.saavn\.android|^[sS]aavn/),
  r("Kasts", /^Kasts\/|^kasts /),
  r("KKBOX", /^KKBOX\//),
  r("Kodi", /^Kodi\//),
  r("Laughable", /^Laughable.+iOS|^Laughable\//),
  r("Les Indés Radios", /^lesindesradios($|\/)/),
  r("LinkedIn", /AppleWebKit.+\[LinkedInApp\]|^LinkedIn\//),
  r("Liulo", /^Liulo\//),
  r("Luminary", /^Luminary(Preprod)?\/|^luminary\.next\//),
  r("Majelan", /^MajelanApp/),
  r("Metacast", /^Metacast\//),
  r("Mixcloud", /^Mixcloud\//),
  r("MixerBox", /^MixerBox(%20Pro)?\//),
  r("Moon FM", /^Moon ?FM\//),
  r("mpv", /^mpv 0\.|^libmpv$/, { device: "computer" }),
  r("MusicBee", /^MusicBee/, { device: "computer", os: "Windows" }),
  r("myTuner", /^myTuner Radio app\/|^myTuner%20Radio%20app\/|^mytuner_podcasts_androidplayer\/|^MyTuner-|^myTuner$|^myTuneriOS%20Free\//),
  r("Newsboat", /^Newsboat\//, { device: "computer" }),
  r("NPR", /^NPR\/|^NPR%20One\/|^NPROneAndroid|nprone_android\//),
  r("NRC Audio", /^NRC( |%20)Audio\//),
  r("Outcast", /^Outcast[/ ]/),
  r("Overcast", /^Overcast.*Apple Watch/, { device: "watch", os: "watchOS" }),
  r("Overcast", /^Overcast\//, { os: "iOS" }),
  r("Palco MP3", /^Palco MP3/),
  r("Pandora", /^Pandora\/| Pandora\//),
  r("Playapod", /^Playapod/),
  r("Player FM", /^Player FM|^Player%20FM|^Alpha%20PlayerFM\//),
  r("Pocket Casts", /^Pocket Casts|^Shifty Jelly Pocket Casts/),
  r("Podbay", /^Podbay\//),
  r("Podbean", /^Podbean\//),
  r("Podcast Addict", /^Podcast.*Addict\/|^Podcast Addict /, { os: "Android" }),
  r("Podcast Guru", /^PodcastGuru/),
  r("Podcast Republic", /^PodcastRepublic\//),
  r("Podcastly", /^Podcastly\/|^Podcastly$/),
  r("PodCruncher", /^PodCruncher\/.* CFNetwork\//),
  r("Podeo", /^Podeo\//),
  r("Podfriend", /^Podfriend/i),
  r("Podhero", /^Podhero|^Swoot[/ ]/),
  r("Podimo", /^Podimo\//),
  r("PodKast", /PodKast$/, { os: "KaiOS" }),
  r("Podkicker", /^Podkicker/, { os: "Android" }),
  r("PodLP", /PodLP\//, { os: "KaiOS" }),
  r("PodMe", /^Podme android app\/|^PodMe\//),
  r("Podopolo", /^Podopolo|^podopolo\//),
  r("Podplay", /^Podplay\//),
  r("Podurama", /^Podurama/),
  r("Podverse", /^[Pp]odverse\//),
  r("Podyssey", /Podyssey App|com\.toysinboxes\.Echo|fm\.podyssey\.podcasts|^Podyssey/),
  r("ProCast", /Pro[Cc]ast\//),
  r("radio.net", /^(radio\.[a-z]{2,3}|GetPodcast)[ /]\d/),
  r("Radioline", /^Radioline%202\/|^Radioline$/),
  r("Radioplayer", /^Radioplayer (Android|iOS) app/),
  r("RadioPublic", /^RadioPublic\/android-|^RadioPublic Android|RadioPublic iOS|RadioPublic.+CFNetwork|^RadioPublic\/iOS/),
  r("Reeder", /^Reeder\//),
  r("Repod", /^Repod\/.+(iOS|Android)/),
  r("Rhythmbox", /^rhythmbox\/|^gvfs\//, { device: "computer", os: "Linux" }),
  r("Roku", /^Roku\//, { device: "tv" }),
  r("RSS Radio", /^RSSRadio/),
  r("Samsung Podcasts", /^sp-agent/, { os: "Android" }),
  r("Snipd", /^Snipd\//),
  r("Sonnet", /Sonnet|^Simple Podcast Player/),
  r("Sony PlayStation", /^sony_tv;ps5;/, { device: "tv" }),
  r("Sonos", /Sonos/, { device: "smart_speaker" }),
  r("SoundOn", /^SoundOn\//),
  r(
    "Spotify",
    /^Spotify\/.+Linux|Macintosh.+Spotify\/|^Spotify\/.+OSX|Windows.+Spotify\/|^Spotify\/.+Win32|^Spotify\/.+Android|^Spotify\/.+iOS|^Spotify\/.+Polestar|^Spotify\/.+Volvo|^spotify_|^Spotify-Lite|^Spotify\/\d/,
  ),
  r("Spreaker", /^Spreaker for Android|Spreaker\//),
  r("Stitcher", /^Stitcher\/|^Stitcher Demo\/|^AlexaMediaPlayer\/Stitcher/),
  r("Substack", /^Substack\//),
  r("TED", /^TED |^TED\//),
  r("The Podcast App", /^ThePodcastApp|iOS.*The Podcast App\/|com\.evolve\.podcast\/|^podcast\/\d* |^PodcastApp\/\d/),
  r("TikTok", /musical_ly/),
  r("TuneIn", /^TuneIn| TuneIn\//),
  r("Turtlecast", /^(Turtlecast|TURTLECAST)\//, { os: "Android" }),
  r("Twitter", /^Twitter(Android)?\/| Twitter for i/),
  r("VLC", /^VLC\/\d/),
  r("Voiz FM", /^Voiz FM\//),
  r("Winamp", /^Winamp/, { device: "computer", os: "Windows" }),
  r("Windows Media Player", /^NSPlayer|WMPlayer\/|^Windows-Media-Player\//, { device: "computer", os: "Windows" }),
  r("WynkMusic", /^WynkMusic\//),
  r("Xbox", /^microsoft;xbox_/, { device: "tv" }),
  r("Xiao Yu Zhou", /^Xiaoyuzhou\/|^Podcast\/1\./),
  r("Yandex Music", /^Ya(ndex)?\.Music\//),
  r("YouTube Music", /^com\.google\.android\.apps\.youtube\.music\/|^YouTubeMusic\/\d|^app\.revanced\.android\.apps\.youtube\.music\//),
];

/**
 * Playback and HTTP libraries. Apple's AVFoundation (AppleCoreMedia) streams for Apple Podcasts
 * and for other iOS/macOS apps; by convention it is reported as Apple Podcasts, the dominant source.
 * The other playback libraries are shared by countless unknown apps: reported as "other".
 */
export const LIBRARY_RULES: LibraryRule[] = [
  { name: "AppleCoreMedia", pattern: /^AppleCoreMedia\/1/, bot: false, app: APPLE_PODCASTS },
  { name: "Android download manager", pattern: /^AndroidDownloadManager/, bot: false, app: "other", os: "Android" },
  { name: "ExoPlayer", pattern: / ExoPlayerLib\/|^ExoPlayerLib\/|^react-native-track-player\/|^just_audio\/|^Armadillo\//, bot: false, app: "other" },
  { name: "Dalvik", pattern: /^Dalvik[/ ]/, bot: false, app: "other", os: "Android" },
  { name: "stagefright", pattern: /stagefright\//, bot: false, app: "other", os: "Android" },
  { name: "Android downloaders", pattern: /^FileDownloader\/|^PRDownloader$|^Android\.LVLDM$/, bot: false, app: "other", os: "Android" },
  { name: "KaiOS Downloader", pattern: /KaiOS Downloader/, bot: false, app: "other", os: "KaiOS" },
  { name: "GStreamer", pattern: /GStreamer/, bot: false, app: "other" },
  { name: "libsoup", pattern: /^libsoup\//, bot: false, app: "other", os: "Linux" },
  { name: "Safari View Service", pattern: /^SafariViewService\//, bot: false, app: "Safari" },
  // Server-side clients.
  {
    name: "HTTP library",
    pattern:
      /^Python\/\d.*aiohttp\/|Apache-HttpClient|^aria2\/|^AHC\/\d|^axios\/|^Bun\/\d|^CarrierWave\/|gocolly|^Dart\/|^Deno\/|^Down\/\d|^Lavf\/|^git-annex|^Go-http-client|^got( |\/)|^GuzzleHttp|^hackney\/|^HTTP-Tiny\/|^http\.rb\/|^net\/http-easy|^Java\/\d|^lua-resty-http\/|^node-fetch|okhttp|^python-httpx\/|request\.js|^reqwest\/|^go-resty\/|^resty-requests|^Ruby|^rest-client\/|^Scrapy\/|^Symfony HttpClient|^undici$|^(Python-urllib|python-urllib3)\/|python-requests|libwww-perl|^ESP32 HTTP Client\//,
    bot: true,
    app: "other",
  },
];

/** Browser names from ua-parser-js, folded into the few that reports show; others are "Other browser". */
export const BROWSER_NAMES: Array<[RegExp, string]> = [
  [/samsung/i, "Samsung Internet"],
  [/edge/i, "Edge"],
  [/opera|opr/i, "Opera"],
  [/firefox/i, "Firefox"],
  [/brave/i, "Brave"],
  [/yandex/i, "Yandex Browser"],
  [/uc ?browser/i, "UC Browser"],
  [/duckduckgo/i, "DuckDuckGo"],
  [/vivaldi/i, "Vivaldi"],
  [/huawei/i, "Huawei Browser"],
  [/miui/i, "MIUI Browser"],
  [/webview/i, "other"], // an unknown app's embedded web view
  [/^(mobile )?chrom(e|ium)/i, "Chrome"],
  [/safari/i, "Safari"],
];

/**
 * Web apps cannot set a user agent; the browser's Referer (usually just the origin) names them.
 * Only applied when the user agent is a plain browser.
 */
export const REFERRER_RULES: AgentRule[] = [
  r("Amazon Music", /^https:\/\/music\.amazon\./),
  r(APPLE_PODCASTS, /^https:\/\/(embed\.)?podcasts\.apple\.com/),
  r("Audible", /:\/\/www\.audible(\.com|\.co\.uk)\//),
  r("Castamatic", /:\/\/castamatic\.com\//),
  r("CastBox", /^https:\/\/castbox\.fm\//),
  r("Castro", /^https:\/\/castro\.fm\//),
  r("CurioCaster", /:\/\/curiocaster\.com\//),
  r("Deezer", /^https:\/\/www\.deezer\.com\//),
  r("Fountain", /:\/\/fountain\.fm\//),
  r("Goodpods", /^https:\/\/(www\.)?goodpods\.com/),
  r("Google Podcasts", /^https:\/\/podcasts\.google\.com\//),
  r("iHeartRadio", /^https:\/\/www\.iheart\.com\//),
  r("iVoox", /:\/\/www\.ivoox\.com\//),
  r("LN Beats", /:\/\/lnbeats\.com\//),
  r("Luminary", /:\/\/luminarypodcasts\.com\//),
  r("Overcast", /^https:\/\/overcast\.fm\//),
  r("Pandora", /^https:\/\/(\w*\.)?pandora\.com\//),
  r("Playapod", /:\/\/playapod\.com\//),
  r("Player FM", /^https:\/\/(\w*\.)?player\.fm\//),
  r("Pocket Casts", /:\/\/play\.pocketcasts\.com\/|:\/\/pca\.st\//),
  r("Podbay", /^https?:\/\/(old\.)?podbay\.fm\//),
  r("Podcast Addict", /^https:\/\/(www\.)?podcastaddict\.com/),
  r("Podcast Index", /^https:\/\/podcastindex\.org/),
  r("The Podcast App", /^https:\/\/podcast\.app\//),
  r("Podchaser", /^https:\/\/www\.podchaser\.com\//),
  r("Podfriend", /:\/\/[^./]+\.podfriend\.com\//),
  r("Podverse", /:\/\/podverse\.fm\//),
  r("Podyssey", /^https:\/\/podyssey\.fm\//),
  r("RadioPublic", /:\/\/(embed\.)?radiopublic\.com\//),
  r("Spotify", /^https:\/\/(open|api-partner)\.spotify\.com/),
  r("Stitcher", /^https:\/\/(www|app|classic)\.stitcher\.com\//),
  r("TrueFans", /:\/\/(pod|true)fans\.fm\//),
  r("TuneIn", /^https:\/\/tunein\.com\//),
];

/**
 * Device types from tokens in the user agent, first match wins (adapted from OPAWG devices.json,
 * with phones and tablets told apart, and cars and watches added). CarPlay and Android Auto only
 * mirror the phone's app, whose user agent is the phone's; only built-in car systems are "car".
 */
export const DEVICE_RULES: Array<[RegExp, DeviceType]> = [
  [/Polestar|Volvo|Tesla\/|Android Automotive|\bAAOS\b/, "car"],
  [/watchOS|Apple Watch|model\/Watch|Watch OS|Wear ?OS|^Garmin |Galaxy Watch|\bSM-R[89]\d\d\b/, "watch"],
  [/HomePod|^AirPodcasts\/|^AlexaMediaPlayer\/|^Echo\/|^Amazon;Echo|Sonos|^Bose|GoogleChirp|Google-Speech-Actions|DeviceType\/SmartSpeaker|Fuchsia.* CrKey|^HEOS;|^Denon;|^VictorReader|^Storybutton\//, "smart_speaker"],
  [/Apple TV|AppleTV|apple;apple_tv|SmartTV|SMART-TV|Smart-TV|smart-tv|SmartTv|Roku|roku;|CrKey|AFT[A-Z]+ Build|^Amazon;AF|BRAVIA|Opera TV|TSBNetTV|TV Safari|WebTV|InettvBrowser|GoogleTV|Android ?TV|HbbTV|Web0S|webOS\.TV|Tizen.*TV|^sony_tv;|xbox|Xbox|PlayStation|^Google;Chromecast|^TCL;|^tcl;|^Xiaomi;(MIBOX|MiTV-)|^samsung;[uq]n\d|^[Hh]isense;|^skyworth;|^Sony;BRAVIA|^onn\.;|^Funai;|^Sagemcom;|^TPV;/, "tv"],
  [/iPad|ipad|IPAD|[Aa]ndroid.*[Tt]ablet|[Tt]ablet.*[Aa]ndroid|\bSM-[TX]\d|\bGT-P\d|Kindle|Silk\/|^ZTE;Xview|android-tablet/, "tablet"],
  // CFNetwork apps on a Mac add the CPU architecture after the Darwin version.
  // ("like Mac OS X" in iPhone user agents is not a Mac.)
  [/Darwin\/[\d.]+ \((x86_64|arm64)\)|Macintosh|MacBook|Intel Mac OS X|PPC Mac OS X|Mac OS X Version|\bOSX\b/, "computer"],
  [/iPhone|iphone|iPod|IPOD|\biOS\b|phone;ios|CFNetwork|KAIOS|PodKast|PodLP|Windows Phone/, "phone"],
];
