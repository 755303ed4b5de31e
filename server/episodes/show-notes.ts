import { Marked } from "marked";
import sanitizeHtml from "sanitize-html";

// Show notes are written in Markdown and stored twice: the Markdown (for editing) and sanitised HTML
// (for feeds and pages). The allow-list is what podcast apps render reliably in an item's
// description; everything else is dropped at write time, so readers never see raw producer HTML.

const markdown = new Marked({ gfm: true, breaks: true, async: false });

/** What sanitize-html leaves of a link whose address it refused (javascript:, data:, //host…). */
const DEAD_LINK = /<a rel="noopener nofollow">([\s\S]*?)<\/a>/g;

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ["p", "br", "a", "strong", "em", "ul", "ol", "li", "blockquote", "h3", "h4", "h5", "h6", "code", "pre"],
  allowedAttributes: { a: ["href", "rel"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  // Disallowed tags vanish but keep their text (a <table> still reads); script/style lose both.
  disallowedTagsMode: "discard",
  nonTextTags: ["script", "style", "textarea", "option", "noscript", "iframe", "object"],
  transformTags: {
    // Episode notes sit below the episode's own title: top-level headings become h3.
    h1: "h3",
    h2: "h3",
    b: "strong",
    i: "em",
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: "noopener nofollow" } }),
  },
};

/** Markdown → HTML restricted to the allow-list, links rel="noopener nofollow", only http(s)/mailto. */
export function renderShowNotes(source: string): string {
  if (!source.trim()) return "";
  const html = markdown.parse(source) as string;
  return sanitizeHtml(html, SANITIZE)
    .replace(DEAD_LINK, "$1") // its text stays, the link goes
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
