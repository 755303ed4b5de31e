import { describe, expect, it } from "vitest";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import Parser from "rss-parser";
import { renderFeedXml, xmlText, type FeedChannel, type FeedItem } from "../../server/feeds/feed-xml.ts";
import { PODCAST_GUID_NAMESPACE, podcastGuidOfUrl, uuidv5 } from "../../server/feeds/podcast-guid.ts";

const enclosure = { url: "https://sada.test/media/v1/main.mp3", bytes: 1234567, mimeType: "audio/mpeg", bitrateKbps: 128, sha256: "ab".repeat(32) };

function item(overrides: Partial<FeedItem> = {}): FeedItem {
  return {
    guid: "b4b6bb0e-0d52-4c4b-9f1c-7e1b0a1c2d3e",
    title: "Episode",
    descriptionHtml: "<p>Notes</p>",
    link: "https://sada.test/en/show/ep",
    pubDate: new Date("2026-03-01T08:00:00Z"),
    durationSeconds: 61.6,
    season: null,
    episode: null,
    episodeType: "full",
    enclosure,
    otherLanguages: [],
    ...overrides,
  };
}

function channel(overrides: Partial<FeedChannel> = {}): FeedChannel {
  return {
    locale: "en",
    title: "Show",
    description: "About the show",
    author: "Author",
    link: "https://sada.test/en/show/",
    feedUrl: "https://sada.test/feeds/show/en.xml",
    copyright: "© Sada",
    category: "Society & Culture",
    explicit: false,
    ownerName: "Owner",
    ownerEmail: "owner@example.org",
    type: "episodic",
    podcastGuid: "guid",
    lastBuildDate: new Date("2026-03-02T00:00:00Z"),
    alternates: [],
    items: [item()],
    ...overrides,
  };
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", cdataPropName: false as never, parseTagValue: false, trimValues: false, isArray: (name) => name === "item" });

/** Every element name in a parsed document (attributes, prefixed "@", and text "#text" excluded). */
function elementNames(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(elementNames);
  if (node === null || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([key, value]) => (key.startsWith("@") || key === "#text" ? [] : [key, ...elementNames(value)]));
}

describe("feed XML", () => {
  // Everything a producer might type that could break or inject into XML or HTML.
  const hostile = 'A </title><script>alert("x")</script> & B ]]> C <![CDATA[ D ]]]]> \u0000\u0001\u0008\u000B\u000C\u001F\uFFFE\uD800 E — عربي « français »';
  const expected = 'A </title><script>alert("x")</script> & B ]]> C <![CDATA[ D ]]]]>  E — عربي « français »';

  it("keeps hostile text well-formed and round-trips it exactly (fast-xml-parser and rss-parser)", async () => {
    const xml = renderFeedXml(
      channel({
        title: hostile,
        description: hostile,
        author: hostile,
        copyright: hostile,
        ownerName: hostile,
        category: hostile,
        items: [item({ title: hostile, descriptionHtml: `<p>${hostile}</p>`, guid: "g<&>" })],
      }),
    );
    expect(XMLValidator.validate(xml)).toBe(true);
    // No forbidden character survives anywhere in the document.
    expect(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(xml)).toBe(false);
    const doc = parser.parse(xml);
    // Markup-looking text stays text: the document has exactly the elements we wrote, no <script>, no extra <title>.
    expect(elementNames(doc)).not.toContain("script");
    expect(Object.keys(doc.rss.channel).filter((k) => k === "title")).toHaveLength(1);
    const ch = doc.rss.channel;
    expect(ch.title).toBe(expected);
    expect(ch.description).toBe(expected);
    expect(ch.copyright).toBe(expected);
    expect(ch["itunes:author"]).toBe(expected);
    expect(ch["itunes:owner"]["itunes:name"]).toBe(expected);
    expect(ch["itunes:category"]["@text"]).toBe(expected);
    expect(ch.item[0].title).toBe(expected);
    expect(ch.item[0]["itunes:title"]).toBe(expected);
    expect(ch.item[0]["content:encoded"]).toBe(`<p>${expected}</p>`);
    expect(ch.item[0].guid["#text"]).toBe("g<&>");

    const feed = await new Parser().parseString(xml);
    expect(feed.title).toBe(expected);
    expect(feed.items[0].title).toBe(expected);
    expect(feed.items[0].content).toBe(`<p>${expected}</p>`);
  });

  it("xmlText removes exactly the characters XML 1.0 forbids", () => {
    expect(xmlText("a\tb\nc\rd")).toBe("a\tb\nc\rd");
    expect(xmlText("x\u0000\u0007\u001Fy")).toBe("xy");
    expect(xmlText("😀 \uD83D")).toBe("😀 ");
    // A control character between "]]" and ">" must not turn into "]]>" only after CDATA splitting.
    expect(renderFeedXml(channel({ title: "]]\u0001>" }))).toContain("<title><![CDATA[]]]]><![CDATA[>]]></title>");
  });

  it("emits a lastBuildDate from the data, even when a title contains that element's text", () => {
    const xml = renderFeedXml(channel({ title: "<lastBuildDate>nope</lastBuildDate>", lastBuildDate: new Date("2026-05-05T05:05:05Z") }));
    const doc = parser.parse(xml);
    expect(doc.rss.channel.lastBuildDate).toBe("Tue, 05 May 2026 05:05:05 GMT");
    expect(doc.rss.channel.title).toBe("<lastBuildDate>nope</lastBuildDate>");
    // Same input, same bytes: ETags agree across processes.
    expect(renderFeedXml(channel())).toBe(renderFeedXml(channel()));
  });

  it("keeps enclosure URLs ASCII", () => {
    const xml = renderFeedXml(channel({ items: [item({ enclosure: { ...enclosure, url: "https://sada.test/media/é/main.mp3" } })] }));
    const url = parser.parse(xml).rss.channel.item[0].enclosure["@url"];
    expect(url).toBe("https://sada.test/media/%C3%A9/main.mp3");
  });
});

describe("podcast:guid", () => {
  it("is the UUIDv5 of the feed URL without scheme, in the Podcasting 2.0 namespace", () => {
    // The example given by the Podcasting 2.0 namespace documentation.
    expect(podcastGuidOfUrl("https://mp3s.nashownotes.com/pc20rss.xml")).toBe("917393e3-1b1e-5cef-ace4-edaa54e1f810");
    expect(podcastGuidOfUrl("http://mp3s.nashownotes.com/pc20rss.xml/")).toBe("917393e3-1b1e-5cef-ace4-edaa54e1f810");
    // RFC 9562 test vector (DNS namespace, "www.example.com").
    expect(uuidv5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe("2ed6657d-e927-568b-95e1-2665a8aea6a2");
    expect(PODCAST_GUID_NAMESPACE).toBe("ead4c236-bf58-58c6-a2c6-a6b28d128cb6");
  });
});

describe("feed encoding choice", () => {
  it("prefers brotli at equal weight, honours q-values and refusals", async () => {
    const { chooseEncoding } = await import("../../server/feeds/feeds.routes.ts");
    expect(chooseEncoding(undefined)).toBe("identity");
    expect(chooseEncoding("gzip, deflate, br")).toBe("br");
    expect(chooseEncoding("gzip;q=1, br;q=0.5")).toBe("gzip");
    expect(chooseEncoding("br;q=0, gzip")).toBe("gzip");
    expect(chooseEncoding("*")).toBe("br");
    expect(chooseEncoding("*;q=0.1, gzip;q=0.5")).toBe("gzip");
    expect(chooseEncoding("identity")).toBe("identity");
    expect(chooseEncoding("gzip;q=0, br;q=0")).toBe("identity");
  });
});
