import { html, raw, type SafeHtml } from "../../http/html.ts";
import type { Locale } from "../../i18n.ts";
import type { PageContext } from "../page.ts";
import { icon } from "./icons.ts";

/** What an editor needs to know about one language version, most pressing state first. */
export type VariantStatus = "draft" | "processing" | "ready" | "scheduled" | "published" | "unpublished" | "failed";

export function statusBadge(pc: PageContext, status: VariantStatus, locale?: Locale, live = false): SafeHtml {
  const text = pc.tr(`status.${status}`);
  return html`<span class="badge status--${status}"${live ? html` data-variant-badge` : ""}>${locale ? html`${pc.tr(`common:languages.${locale}`)}: ` : ""}${text}</span>`;
}

/** A read-only URL with a copy button (the button appears with scripts; the field is selectable anyway). */
export function copyField(pc: PageContext, id: string, label: string, value: string, options: { labelHidden?: boolean } = {}): SafeHtml {
  return html`<label for="${id}"${options.labelHidden ? html` class="visually-hidden"` : ""}>${label}</label>
    <div class="copy-field">
      <input id="${id}" type="url" value="${value}" readonly dir="ltr">
      <button type="button" class="button button--small" data-copy="#${id}" data-copied="${pc.tr("actions.copied")}" data-needs-js hidden>${icon("copy")} <span data-label>${pc.tr("actions.copy")}</span></button>
    </div>`;
}

/**
 * Data for a page's scripts (translated messages…) as an inert JSON block. `<` is escaped so no
 * value can close the element; CSP does not apply to non-executable script types.
 */
export function jsonData(id: string, value: unknown): SafeHtml {
  const json = JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
  return html`<script type="application/json" id="${id}">${raw(json)}</script>`;
}
