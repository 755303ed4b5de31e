import { html, type SafeHtml } from "../../http/html.ts";
import { SUPPORTED_LOCALES, t } from "../../i18n.ts";
import { csrfField } from "../forms.ts";
import { assetUrl, type PageContext } from "../page.ts";
import { icon } from "./icons.ts";

export type Section = "shows" | "analytics" | "campaigns" | "users" | "preferences" | "none";

interface NavItem {
  section: Section;
  href: string;
  label: string;
  icon: Parameters<typeof icon>[0];
}

function navItems(pc: PageContext): NavItem[] {
  const items: NavItem[] = [];
  if (pc.can("admin", "producer")) items.push({ section: "shows", href: "/admin/shows", label: pc.tr("nav.shows"), icon: "shows" });
  if (pc.user) items.push({ section: "analytics", href: "/admin/analytics", label: pc.tr("nav.analytics"), icon: "chart" });
  if (pc.user) items.push({ section: "campaigns", href: "/admin/campaigns", label: pc.tr("nav.campaigns"), icon: "link" });
  if (pc.can("admin")) items.push({ section: "users", href: "/admin/users", label: pc.tr("nav.users"), icon: "users" });
  if (pc.user) items.push({ section: "preferences", href: "/admin/preferences", label: pc.tr("nav.preferences"), icon: "settings" });
  return items;
}

/**
 * The language switcher: one button per language, each labelled in its own language. Posting it
 * sets the `lang` cookie (and the signed-in user's language) and comes back to this page.
 */
export function languageSwitcher(pc: PageContext): SafeHtml {
  return html`<form class="lang-switch" method="post" action="/admin/preferences/language">
    ${csrfField(pc)}
    <input type="hidden" name="back" value="${pc.here}">
    <span class="visually-hidden" id="lang-switch-label">${pc.tr("nav.language")}</span>
    <div class="lang-switch__buttons" role="group" aria-labelledby="lang-switch-label">
      ${SUPPORTED_LOCALES.map(
        (locale) =>
          html`<button type="submit" name="lang" value="${locale}" lang="${locale}" dir="${locale === "ar" ? "rtl" : "ltr"}"${
            locale === pc.locale ? html` aria-current="true" class="is-current"` : ""
          }>${t(locale, "admin:languageName")}</button>`,
      )}
    </div>
  </form>`;
}

export interface PageOptions {
  title: string;
  section: Section;
  body: SafeHtml;
  /** Breadcrumb-like link back to a parent page. */
  back?: { href: string; label: string };
  /** Extra scripts for this page (file names under web/assets). */
  scripts?: string[];
  /** Pages without the navigation (sign-in, errors for anonymous visitors). */
  bare?: boolean;
}

export function layout(pc: PageContext, o: PageOptions): SafeHtml {
  const nav = o.bare || !pc.user ? [] : navItems(pc);
  return html`<!doctype html>
<html lang="${pc.locale}" dir="${pc.dir}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${o.title} · ${pc.tr("common:appName")}</title>
  <meta name="sada-intl" content="${pc.fmt.intlLocale}">
  <meta name="sada-locale" content="${pc.locale}">
  ${pc.csrfToken ? html`<meta name="csrf-token" content="${pc.csrfToken}">` : ""}
  <link rel="stylesheet" href="${assetUrl("admin.css")}">
  <script src="${assetUrl("admin.js")}" type="module"></script>
  ${(o.scripts ?? []).map((s) => html`<script src="${assetUrl(s)}"${s.startsWith("vendor/") ? html` defer` : html` type="module"`}></script>`)}
</head>
<body class="${nav.length ? "has-nav" : "is-bare"}">
  <a class="skip-link" href="#main">${pc.tr("nav.skip")}</a>
  <header class="topbar">
    <a class="brand" href="/admin"><span class="brand__mark" aria-hidden="true">${icon("wave")}</span> ${pc.tr("common:appName")}</a>
    <div class="topbar__tools">
      ${languageSwitcher(pc)}
      ${
        pc.user
          ? html`<div class="whoami"><span class="whoami__name">${pc.user.name || pc.user.email}</span> <span class="badge">${pc.tr(`common:roles.${pc.user.role}`)}</span></div>
      <form method="post" action="/admin/sign-out">${csrfField(pc)}<button type="submit" class="button button--quiet">${pc.tr("nav.signOut")}</button></form>`
          : ""
      }
    </div>
  </header>
  ${
    nav.length
      ? html`<nav class="sidenav" aria-label="${pc.tr("nav.label")}">
    <ul>
      ${nav.map(
        (item) =>
          html`<li><a href="${item.href}"${item.section === o.section ? html` aria-current="page"` : ""}>${icon(item.icon)}<span>${item.label}</span></a></li>`,
      )}
    </ul>
  </nav>`
      : ""
  }
  <main id="main" tabindex="-1">
    ${o.back ? html`<p class="back"><a href="${o.back.href}">${icon("back", "icon--directional")} ${o.back.label}</a></p>` : ""}
    ${pc.flash ? html`<div class="alert alert--success" role="status">${pc.flash}</div>` : ""}
    ${o.body}
  </main>
</body>
</html>`;
}
