// Shared helpers for the admin's page scripts (no side effects on import).

/** The session's CSRF token, from the page's <meta name="csrf-token">. */
export function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content ?? "";
}

/** The Intl locale of the page (e.g. "ar-u-nu-arab"), so numbers match the server's. */
export function intlLocale() {
  return document.querySelector('meta[name="sada-intl"]')?.content || document.documentElement.lang || "en";
}

export function isRtl() {
  return document.documentElement.dir === "rtl";
}

export function formatNumber(value, options = {}) {
  return new Intl.NumberFormat(intlLocale(), options).format(value);
}

export function formatPercent(value) {
  return formatNumber(value / 100, { style: "percent", maximumFractionDigits: 0 });
}

/** Translated strings a page hands to its scripts in <script type="application/json" id="…">. */
export function readJson(id) {
  const el = document.getElementById(id);
  if (!el) return {};
  try {
    return JSON.parse(el.textContent || "{}");
  } catch {
    return {};
  }
}

/** "Hello {{name}}" + {name} → "Hello Ada" (messages come already translated from the server). */
export function interpolate(template, params = {}) {
  return String(template ?? "").replace(/\{\{(\w+)\}\}/g, (_, key) => (key in params ? String(params[key]) : ""));
}

/**
 * A JSON API call with the session cookie and CSRF token. Resolves to the parsed body; rejects
 * with an Error carrying `status`, `code`, `message` and `details` (already in the user's language).
 */
export async function api(method, url, body, headers = {}) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json", "X-CSRF-Token": csrfToken(), ...headers } };
  if (body !== undefined) {
    if (body instanceof Blob || body instanceof ArrayBuffer) init.body = body;
    else {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = new Error(data?.error?.message || res.statusText);
    err.status = res.status;
    err.code = data?.error?.code;
    err.details = data?.error?.details ?? [];
    throw err;
  }
  return data;
}

/** Shows an error next to a field (or clears it); the paragraph exists in the markup, hidden. */
export function showFieldError(errorEl, inputEl, message) {
  if (!errorEl) return;
  errorEl.textContent = message || "";
  errorEl.hidden = !message;
  if (inputEl) {
    if (message) inputEl.setAttribute("aria-invalid", "true");
    else inputEl.removeAttribute("aria-invalid");
  }
}

/** Message for screen readers through the page's polite live region. */
export function announce(message) {
  let region = document.getElementById("sada-live");
  if (!region) {
    region = document.createElement("div");
    region.id = "sada-live";
    region.className = "visually-hidden";
    region.setAttribute("aria-live", "polite");
    document.body.append(region);
  }
  region.textContent = "";
  setTimeout(() => (region.textContent = message), 50);
}

/** Sets a progress bar made of .bar > .bar__fill plus its aria values and visible label. */
export function setBar(bar, percent, label) {
  if (!bar) return;
  const value = Math.max(0, Math.min(100, Math.round(percent)));
  bar.setAttribute("aria-valuenow", String(value));
  if (label) bar.setAttribute("aria-valuetext", label);
  const fill = bar.querySelector(".bar__fill");
  if (fill) fill.style.inlineSize = `${value}%`;
}
