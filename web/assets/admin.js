// Enhancements for every admin page. Everything works without them; they only make it nicer.
import { announce } from "./lib.js";

// The server shows dates in the user's time zone once it knows it.
try {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const current = document.cookie.split("; ").find((c) => c.startsWith("tz="))?.slice(3);
  if (zone && decodeURIComponent(current ?? "") !== zone) {
    document.cookie = `tz=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
  }
} catch {
  /* no Intl time zone: UTC it is */
}

// A form that came back with errors: move focus to the summary so it is read out.
document.querySelector("[data-focus-on-load]")?.focus();

// Copy buttons: <button data-copy="#input-id" data-copied="Copied">.
document.addEventListener("click", async (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
  if (!button) return;
  const source = document.querySelector(button.getAttribute("data-copy"));
  if (!source) return;
  const text = "value" in source ? source.value : source.textContent;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    source.select?.();
    document.execCommand?.("copy");
  }
  const done = button.getAttribute("data-copied");
  if (done) {
    const label = button.querySelector("[data-label]") ?? button;
    const before = label.textContent;
    label.textContent = done;
    announce(done);
    setTimeout(() => (label.textContent = before), 2000);
  }
});

// Destructive actions ask first: <form data-confirm="Are you sure?">.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.getAttribute("data-confirm") : null;
  if (question && !window.confirm(question)) event.preventDefault();
});

// Elements only useful with scripts (copy buttons, upload widgets) are hidden until now.
for (const el of document.querySelectorAll("[data-needs-js]")) el.hidden = false;
for (const el of document.querySelectorAll("[data-no-js]")) el.hidden = true;
