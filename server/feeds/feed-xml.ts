import RSS from "rss";
import type { Locale } from "../i18n.ts";

// A podcast feed as XML: RSS 2.0 with Apple's itunes tags and the Podcasting 2.0 namespace, built
// with the `rss` package. It escapes text and attribute values and splits "]]>" inside CDATA; what
// it does not do is drop characters XML 1.0 forbids (control characters, lone surrogates, U+FFFE/F),
// which would make the whole feed unreadable — every string goes through xmlText() first.

export const ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd";
export const PODCAST_NS = "https://podcastindex.org/namespace/1.0";
export const GENERATOR = "Sada";

export interface FeedEnclosure {
  url: string;
  bytes: number;
  mimeType: string;
  bitrateKbps: number;
  /** Lowercase hex SHA-256 of the file (→ podcast:integrity). */
  sha256: string;
}

export interface FeedItem {
  guid: string;
  title: string;
  /** Sanitised HTML show notes (or the plain summary when there are none). */
  descriptionHtml: string;
  link: string;
  pubDate: Date;
  durationSeconds: number;
  season: number | null;
  episode: number | null;
  episodeType: "full" | "trailer" | "bonus";
  enclosure: FeedEnclosure;
  lowData?: FeedEnclosure & { title: string };
  /** The same episode in the show's other languages. */
  otherLanguages: (FeedEnclosure & { lang: Locale; title: string })[];
  imageUrl?: string;
  transcript?: { url: string; language: Locale };
  chaptersUrl?: string;
}

export interface FeedChannel {
  locale: Locale;
  title: string;
  description: string;
  author: string;
  link: string;
  feedUrl: string;
  imageUrl?: string;
  copyright: string;
  category: string;
  subcategory?: string | null;
  explicit: boolean;
  ownerName: string;
  ownerEmail: string;
  type: "episodic" | "serial";
  podcastGuid: string;
  /** Deterministic (from the data, not the clock), so every process renders identical bytes. */
  lastBuildDate: Date;
  alternates: { locale: Locale; href: string; title: string }[];
  items: FeedItem[];
}

// XML 1.0 Char production, inverted: C0 controls except TAB/LF/CR, U+FFFE/U+FFFF, unpaired surrogates.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text XML can carry: forbidden characters removed (before escaping, so no "]]>" can appear afterwards). */
export function xmlText(value: string): string {
  return value.replace(NOT_XML_CHAR, "");
}

/** Enclosure URLs must be ASCII (several apps fail on anything else); ours are, this keeps it so. */
function asciiUrl(url: string): string {
  return /^[\x21-\x7e]+$/.test(url) ? url : encodeURI(url);
}

const cdata = (value: string) => ({ _cdata: xmlText(value) });
const attrs = (values: Record<string, string | number | undefined>) => ({
  _attr: Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined).map(([k, v]) => [k, typeof v === "string" ? xmlText(v) : v])),
});

/** SRI form of a hex digest, as podcast:integrity wants it. */
const sri = (sha256Hex: string) => `sha256-${Buffer.from(sha256Hex, "hex").toString("base64")}`;

function alternateEnclosure(enclosure: FeedEnclosure, extra: Record<string, string | undefined>) {
  return {
    "podcast:alternateEnclosure": [
      attrs({ type: enclosure.mimeType, length: enclosure.bytes, bitrate: enclosure.bitrateKbps * 1000, ...extra }),
      { "podcast:source": attrs({ uri: asciiUrl(enclosure.url) }) },
      ...(/^[0-9a-f]{64}$/.test(enclosure.sha256) ? [{ "podcast:integrity": attrs({ type: "sri", value: sri(enclosure.sha256) }) }] : []),
    ],
  };
}

function itemElements(item: FeedItem, channel: FeedChannel): unknown[] {
  const elements: unknown[] = [
    { "content:encoded": cdata(item.descriptionHtml) },
    { "itunes:title": xmlText(item.title) },
    { "itunes:duration": Math.max(0, Math.round(item.durationSeconds)) },
    { "itunes:episodeType": item.episodeType },
    { "itunes:explicit": channel.explicit ? "true" : "false" },
  ];
  if (item.season !== null) elements.push({ "itunes:season": item.season });
  if (item.episode !== null) elements.push({ "itunes:episode": item.episode });
  if (item.imageUrl) elements.push({ "itunes:image": attrs({ href: item.imageUrl }) });
  if (item.season !== null) elements.push({ "podcast:season": item.season });
  if (item.episode !== null) elements.push({ "podcast:episode": item.episode });
  if (item.transcript) {
    elements.push({ "podcast:transcript": attrs({ url: item.transcript.url, type: "text/vtt", language: item.transcript.language, rel: "captions" }) });
  }
  if (item.chaptersUrl) elements.push({ "podcast:chapters": attrs({ url: item.chaptersUrl, type: "application/json+chapters" }) });
  // The main file again, as the default choice, so apps that list alternatives offer both.
  elements.push(alternateEnclosure(item.enclosure, { default: "true", lang: channel.locale }));
  if (item.lowData) elements.push(alternateEnclosure(item.lowData, { lang: channel.locale, title: item.lowData.title }));
  for (const other of item.otherLanguages) elements.push(alternateEnclosure(other, { lang: other.lang, title: other.title }));
  return elements;
}

function channelElements(channel: FeedChannel): unknown[] {
  const category = channel.subcategory
    ? { "itunes:category": [attrs({ text: channel.category }), { "itunes:category": attrs({ text: channel.subcategory }) }] }
    : { "itunes:category": attrs({ text: channel.category }) };
  const elements: unknown[] = [
    ...channel.alternates.map((alt) => ({
      "atom:link": attrs({ rel: "alternate", hreflang: alt.locale, type: "application/rss+xml", href: alt.href, title: alt.title }),
    })),
    { "itunes:author": xmlText(channel.author) },
    { "itunes:owner": [{ "itunes:name": xmlText(channel.ownerName) }, { "itunes:email": xmlText(channel.ownerEmail) }] },
    category,
    { "itunes:explicit": channel.explicit ? "true" : "false" },
    { "itunes:type": channel.type },
  ];
  if (channel.imageUrl) elements.push({ "itunes:image": attrs({ href: channel.imageUrl }) });
  elements.push(
    { "podcast:guid": channel.podcastGuid },
    { "podcast:locked": [attrs({ owner: channel.ownerEmail }), "yes"] },
  );
  return elements;
}

/**
 * `rss` stamps <lastBuildDate> with the current time; replace it with the data's own date so the
 * bytes (and so the ETag) depend on the content only. Only the element outside CDATA counts: a
 * title may well contain the text "<lastBuildDate>".
 */
function setLastBuildDate(xml: string, date: Date): string {
  const open = "<lastBuildDate>";
  let from = 0;
  for (;;) {
    const tag = xml.indexOf(open, from);
    const cdataStart = xml.indexOf("<![CDATA[", from);
    if (tag === -1) return xml;
    if (cdataStart !== -1 && cdataStart < tag) {
      from = xml.indexOf("]]>", cdataStart) + 3;
      continue;
    }
    const close = xml.indexOf("</lastBuildDate>", tag);
    return xml.slice(0, tag + open.length) + date.toUTCString() + xml.slice(close);
  }
}

export function renderFeedXml(channel: FeedChannel): string {
  const feed = new RSS({
    title: xmlText(channel.title),
    description: xmlText(channel.description || channel.title),
    generator: GENERATOR,
    feed_url: channel.feedUrl,
    site_url: channel.link,
    image_url: channel.imageUrl,
    copyright: channel.copyright ? xmlText(channel.copyright) : undefined,
    language: channel.locale,
    pubDate: channel.items[0]?.pubDate,
    custom_namespaces: { itunes: ITUNES_NS, podcast: PODCAST_NS },
    custom_elements: channelElements(channel),
  });
  for (const item of channel.items) {
    feed.item({
      title: xmlText(item.title),
      description: xmlText(item.descriptionHtml),
      url: item.link,
      guid: xmlText(item.guid),
      date: item.pubDate,
      enclosure: { url: asciiUrl(item.enclosure.url), size: item.enclosure.bytes, type: item.enclosure.mimeType },
      custom_elements: itemElements(item, channel),
    });
  }
  return setLastBuildDate(feed.xml(), channel.lastBuildDate);
}
