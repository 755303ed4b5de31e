import { isbot } from "isbot";
import { UAParser } from "ua-parser-js";
import {
  APP_RULES,
  BOT_RULES,
  BROWSER_NAMES,
  DEVICE_RULES,
  LIBRARY_RULES,
  REFERRER_RULES,
  type AgentRule,
  type DeviceType,
} from "./user-agent-patterns.ts";

export type { DeviceType };

/** What analytics stores about a request's client; never the user agent string itself. */
export interface UserAgentInfo {
  readonly app: string;
  readonly device: DeviceType;
  readonly os: string;
  readonly bot: boolean;
}

/** Value of `app` and `os` when the agent is not recognised: reports say "other", never a guess. */
export const UNKNOWN = "other";
export const SADA_WEB_PLAYER = "Sada web player";
/** Sada's public-page player appends `?player=sada` to the media URL it plays. */
export const SADA_PLAYER_PARAM = "player";
export const SADA_PLAYER_VALUE = "sada";

export interface ClassifyContext {
  /** The request's Referer header: names web apps, which cannot set their own user agent. */
  referrer?: string | null;
  /** The media URL carried `player=sada` (see SADA_PLAYER_PARAM). */
  sadaPlayer?: boolean;
}

type AgentKind = "bot" | "app" | "library" | "browser" | "unknown";
interface CachedAgent {
  kind: AgentKind;
  info: UserAgentInfo;
}

/** Longer user agents are cut before matching (they are either junk or attacks). */
const MAX_USER_AGENT_LENGTH = 512;
const MAX_REFERRER_LENGTH = 256;
const CACHE_SIZE = 10_000;

const EMPTY_AGENT: CachedAgent = { kind: "bot", info: Object.freeze({ app: UNKNOWN, device: "other", os: UNKNOWN, bot: true }) };

/**
 * Identifies app/player, device type and OS of a media request, and whether it is a bot.
 * An empty user agent counts as a bot. Results are cached per user agent (bounded LRU): most
 * requests come from a few thousand distinct agents.
 */
export function classifyUserAgent(userAgent: string | null | undefined, context: ClassifyContext = {}): UserAgentInfo {
  const agent = cachedAgent(userAgent);
  if (agent.info.bot) return agent.info;
  if (context.sadaPlayer) return { ...agent.info, app: SADA_WEB_PLAYER };
  if (agent.kind === "browser" && context.referrer) {
    const webApp = firstMatch(REFERRER_RULES, context.referrer.slice(0, MAX_REFERRER_LENGTH));
    if (webApp) return { ...agent.info, app: webApp.name };
  }
  return agent.info;
}

/** Empties the classification cache (benchmarks measure cold classification with it). */
export function clearUserAgentCache(): void {
  cache.clear();
}

/** A Map keeps insertion order: re-inserting on a hit makes the first key the least recently used. */
class LruCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number) {}
  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: string, value: V): void {
    if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, value);
  }
  clear(): void {
    this.map.clear();
  }
}

const cache = new LruCache<CachedAgent>(CACHE_SIZE);

function cachedAgent(userAgent: string | null | undefined): CachedAgent {
  // OPAWG: newlines never occur in real agents; remove them before matching.
  const ua = (userAgent ?? "").replace(/[\r\n]+/g, " ").trim().slice(0, MAX_USER_AGENT_LENGTH);
  if (!ua) return EMPTY_AGENT;
  let agent = cache.get(ua);
  if (!agent) {
    agent = classify(ua);
    Object.freeze(agent.info);
    cache.set(ua, agent);
  }
  return agent;
}

function firstMatch<T extends AgentRule>(rules: readonly T[], text: string): T | undefined {
  for (const rule of rules) if (rule.pattern.test(text)) return rule;
  return undefined;
}

function botAgent(name: string): CachedAgent {
  return { kind: "bot", info: { app: name, device: "other", os: UNKNOWN, bot: true } };
}

// One parser reused for every lookup: classification is synchronous, and constructing one per
// call costs more than the parse itself.
const parser = new UAParser();

function classify(ua: string): CachedAgent {
  const bot = firstMatch(BOT_RULES, ua);
  if (bot) return botAgent(bot.name);
  const app = firstMatch(APP_RULES, ua);
  if (app) return { kind: "app", info: describe(ua, app.name, app) };
  const library = firstMatch(LIBRARY_RULES, ua);
  if (library) return library.bot ? botAgent(library.name) : { kind: "library", info: describe(ua, library.app, library) };
  if (isbot(ua)) return botAgent("bot");
  const browser = browserName(ua);
  if (browser) return { kind: "browser", info: describe(ua, browser) };
  return { kind: "unknown", info: describe(ua, UNKNOWN) };
}

function browserName(ua: string): string | undefined {
  parser.setUA(ua);
  const name = parser.getBrowser().name;
  if (!name) return undefined;
  for (const [pattern, label] of BROWSER_NAMES) if (pattern.test(name)) return label;
  return "Other browser";
}

function describe(ua: string, app: string, hints: Pick<AgentRule, "os" | "device"> = {}): UserAgentInfo {
  const os = hints.os ?? detectOs(ua);
  return { app, device: hints.device ?? detectDevice(ua, os), os, bot: false };
}

/** ua-parser-js names, folded into a small fixed set so the OS dimension stays readable. */
const OS_NAMES: Array<[RegExp, string]> = [
  [/^ios$/i, "iOS"],
  [/^mac ?os/i, "macOS"],
  [/^windows (phone|mobile)/i, "Windows Phone"],
  [/^windows/i, "Windows"],
  [/^android/i, "Android"],
  [/^(chrome|chromium) ?os/i, "ChromeOS"],
  [/^watchos/i, "watchOS"],
  [/^tizen/i, "Tizen"],
  [/webos/i, "webOS"],
  [/^fire ?os/i, "Fire OS"],
  [/^kaios/i, "KaiOS"],
  [/^harmonyos/i, "HarmonyOS"],
  [/^(blackberry|rim tablet)/i, "BlackBerry"],
  [/bsd$/i, "BSD"],
  [/^fuchsia/i, "Fuchsia"],
  [/^chromecast/i, "Chromecast"],
  [/^playstation/i, "PlayStation"],
  [/^xbox/i, "Xbox"],
  [/^(linux|ubuntu|debian|fedora|arch|mint|gentoo|opensuse|suse|red ?hat|centos|manjaro|slackware|[kxl]ubuntu|elementary|deepin|mageia|gnu)/i, "Linux"],
];

/** Tokens for agents ua-parser-js does not parse (most podcast apps'). */
const OS_TOKENS: Array<[RegExp, string]> = [
  [/\b(iOS|iPhone|iPad|iPod)\b|CFNetwork|Darwin\//, "iOS"],
  [/android/i, "Android"],
  [/windows/i, "Windows"],
  [/Mac ?OS|\bOSX\b/, "macOS"],
  [/Linux/, "Linux"],
];

function detectOs(ua: string): string {
  // Apple devices ua-parser-js reports as iOS.
  if (ua.includes("watchOS")) return "watchOS";
  if (ua.includes("HomePod")) return "audioOS";
  if (/Apple ?TV|apple;apple_tv/.test(ua)) return "tvOS";
  if (/Darwin\/[\d.]+ \((x86_64|arm64)\)/.test(ua)) return "macOS";
  parser.setUA(ua);
  const name = parser.getOS().name;
  if (name) {
    for (const [pattern, label] of OS_NAMES) if (pattern.test(name)) return label;
    return UNKNOWN;
  }
  for (const [pattern, label] of OS_TOKENS) if (pattern.test(ua)) return label;
  return UNKNOWN;
}

const PARSER_DEVICE_TYPES: Record<string, DeviceType> = {
  mobile: "phone",
  tablet: "tablet",
  smarttv: "tv",
  console: "tv",
  wearable: "watch",
};

const OS_DEVICES: Record<string, DeviceType> = {
  iOS: "phone",
  KaiOS: "phone",
  "Windows Phone": "phone",
  BlackBerry: "phone",
  macOS: "computer",
  Windows: "computer",
  Linux: "computer",
  ChromeOS: "computer",
  BSD: "computer",
  watchOS: "watch",
  tvOS: "tv",
  Tizen: "tv",
  webOS: "tv",
  Chromecast: "tv",
  PlayStation: "tv",
  Xbox: "tv",
  audioOS: "smart_speaker",
};

function detectDevice(ua: string, os: string): DeviceType {
  for (const [pattern, device] of DEVICE_RULES) if (pattern.test(ua)) return device;
  if (os === "Android" || os === "Fire OS" || os === "HarmonyOS") {
    // Android runs phones, tablets, TVs and watches; ua-parser-js knows device models.
    parser.setUA(ua);
    return PARSER_DEVICE_TYPES[parser.getDevice().type ?? ""] ?? "phone";
  }
  const byOs = OS_DEVICES[os];
  if (byOs) return byOs;
  parser.setUA(ua);
  return PARSER_DEVICE_TYPES[parser.getDevice().type ?? ""] ?? "other";
}
