import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../paths.mjs";

// The public site's only static file: its stylesheet, web/assets/site.css, served at
// /assets/site.css?v=<hash> so browsers may keep it for a year and still get every new version.

export const SITE_CSS_FILE = path.join(PROJECT_ROOT, "web", "assets", "site.css");
export const SITE_CSS_PATH = "/assets/site.css";

let version: string | undefined;

export function siteCssVersion(): string {
  version ??= createHash("sha256").update(readFileSync(SITE_CSS_FILE)).digest("base64url").slice(0, 10);
  return version;
}

export const siteCssUrl = () => `${SITE_CSS_PATH}?v=${siteCssVersion()}`;
