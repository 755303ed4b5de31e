import { html, type SafeHtml } from "../../http/html.ts";
import { dirOf, t, type Locale } from "../../i18n.ts";
import { siteCssUrl } from "../assets.ts";
import { ogLocale, type LanguageLink, type PageMeta } from "../site.presenter.ts";

// The frame of every public page: language and direction, alternates, OpenGraph, skip link,
// language switcher. No script anywhere: everything works with JavaScript off.

export function languageNav(languages: LanguageLink[], label: string): SafeHtml | "" {
  if (languages.length < 2) return "";
  return html`<nav class="languages" aria-label="${label}">
    <ul>
      ${languages.map(
        (l) =>
          html`<li><a href="${l.href}" hreflang="${l.locale}" lang="${l.locale}" dir="${dirOf(l.locale)}"${l.current ? html` aria-current="page"` : ""}>${l.name}</a></li>`,
      )}
    </ul>
  </nav>`;
}

export function layout(meta: PageMeta, body: SafeHtml): SafeHtml {
  const { tr } = meta;
  return html`<!doctype html>
<html lang="${meta.locale}" dir="${meta.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${meta.title}</title>
<meta name="description" content="${meta.description}">
<link rel="canonical" href="${meta.canonical}">
${meta.alternates.map((a) => html`<link rel="alternate" hreflang="${a.hreflang}" href="${a.href}">\n`)}<link rel="alternate" type="application/rss+xml" title="${meta.feed.title}" href="${meta.feed.href}">
<link rel="stylesheet" href="${siteCssUrl()}">
<meta property="og:type" content="${meta.og.type}">
<meta property="og:title" content="${meta.og.title}">
<meta property="og:description" content="${meta.description}">
<meta property="og:url" content="${meta.canonical}">
<meta property="og:locale" content="${ogLocale(meta.locale)}">
${meta.languages.filter((l) => !l.current).map((l) => html`<meta property="og:locale:alternate" content="${ogLocale(l.locale)}">\n`)}${meta.og.image ? html`<meta property="og:image" content="${meta.og.image}">\n` : ""}${meta.og.audio ? html`<meta property="og:audio" content="${meta.og.audio.url}">\n<meta property="og:audio:type" content="${meta.og.audio.type}">\n` : ""}<meta name="twitter:card" content="summary">
</head>
<body>
<a class="skip-link" href="#main">${tr("layout.skipToContent")}</a>
<header class="site-header">
  ${languageNav(meta.languages, tr("layout.languages"))}
</header>
<main id="main" tabindex="-1">
${body}
</main>
<footer class="site-footer"><p>${tr("layout.poweredBy")}</p></footer>
</body>
</html>
`;
}

/** A minimal page for errors, in the language of the address that was asked for. */
export function errorLayout(locale: Locale, title: string, body: SafeHtml): SafeHtml {
  const tr = (key: string) => t(locale, `site:${key}`);
  return html`<!doctype html>
<html lang="${locale}" dir="${dirOf(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<link rel="stylesheet" href="${siteCssUrl()}">
</head>
<body>
<a class="skip-link" href="#main">${tr("layout.skipToContent")}</a>
<main id="main" tabindex="-1" class="error-page">
${body}
</main>
<footer class="site-footer"><p>${tr("layout.poweredBy")}</p></footer>
</body>
</html>
`;
}
