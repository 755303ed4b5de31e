import { html, type SafeHtml } from "../../http/html.ts";
import { dirOf, t, type Locale } from "../../i18n.ts";
import { errorLayout } from "./layout.ts";

export interface ErrorPageOptions {
  locale: Locale;
  status: number;
  /** For a 404 on a show that exists in other languages: where it can be found. */
  alternatives?: { locale: Locale; href: string }[];
  requestId?: string;
}

export function errorPage(o: ErrorPageOptions): SafeHtml {
  const tr = (key: string) => t(o.locale, `site:${key}`);
  const notFound = o.status === 404;
  const title = notFound ? tr("error.notFoundTitle") : tr("error.failedTitle");
  const body = html`<h1>${title}</h1>
<p>${notFound ? tr("error.notFoundText") : tr("error.failedText")}</p>
${
  o.alternatives && o.alternatives.length > 0
    ? html`<p>${tr("error.availableIn")}</p>
<ul class="alternatives">
  ${o.alternatives.map((a) => html`<li><a href="${a.href}" hreflang="${a.locale}" lang="${a.locale}" dir="${dirOf(a.locale)}">${t(a.locale, `common:languages.${a.locale}`)}</a></li>`)}
</ul>`
    : ""
}
${!notFound && o.requestId ? html`<p class="meta" dir="ltr">${o.requestId}</p>` : ""}`;
  return errorLayout(o.locale, title, body);
}
