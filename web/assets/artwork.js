// Show artwork: preview the chosen image at once, then upload it to the API. When the server
// refuses it (Apple's rule: square JPEG or PNG, 1400–3000 px), its translated reason is shown
// next to the field and the rule is highlighted.
import { announce, api, interpolate, readJson, showFieldError } from "./lib.js";

const messages = readJson("sada-artwork-messages");

for (const form of document.querySelectorAll("form[data-artwork]")) {
  const input = form.querySelector('input[type="file"]');
  const preview = form.querySelector("img[data-preview]");
  const error = form.querySelector(".field-error");
  const rule = form.querySelector("[data-rule]");
  const status = form.querySelector("[data-put-status]");
  const button = form.querySelector('button[type="submit"]');
  const size = form.querySelector("[data-size]");
  input.addEventListener("change", () => {
    showFieldError(error, input, "");
    rule?.classList.remove("alert", "alert--error");
    const file = input.files?.[0];
    if (!file || !preview) return;
    // A data: URL, not a blob: one: the page's CSP allows images from 'self', data: and http(s) only.
    const reader = new FileReader();
    reader.onload = () => {
      preview.onload = () => {
        if (size) size.textContent = interpolate(messages.dimensions, { width: preview.naturalWidth, height: preview.naturalHeight });
      };
      preview.src = String(reader.result);
      preview.hidden = false;
    };
    reader.readAsDataURL(file);
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = input.files?.[0];
    if (!file) {
      showFieldError(error, input, messages.chooseFile);
      input.focus();
      return;
    }
    button.disabled = true;
    status.textContent = messages.sending;
    try {
      const result = await api("PUT", form.getAttribute("data-url"), file, { "Content-Type": file.type || "application/octet-stream" });
      status.textContent = messages.saved;
      announce(messages.saved);
      const stored = result?.artwork?.["300"];
      if (stored && preview) preview.src = stored;
      input.value = "";
    } catch (err) {
      status.textContent = "";
      showFieldError(error, input, err.message);
      rule?.classList.add("alert", "alert--error");
      input.focus();
    } finally {
      button.disabled = false;
    }
  });
}
