// The episode page: resumable audio upload (tus), live processing progress, transcript and
// chapters upload. Talks to the JSON API with the session's CSRF token; every message shown comes
// translated from the server (<script type="application/json" id="sada-episode-messages">).
import { announce, api, csrfToken, formatNumber, formatPercent, interpolate, readJson, setBar, showFieldError } from "./lib.js";

const messages = readJson("sada-episode-messages");
const msg = (key, params) => interpolate(messages[key] ?? key, params);
const tus = window.tus;

// ---------------------------------------------------------------- processing progress (polling)

const POLL_MS = 1500;
const pollers = new Map();

function formatDuration(seconds) {
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n) => formatNumber(n, { minimumIntegerDigits: 2, useGrouping: false });
  return `${h > 0 ? `${formatNumber(h, { useGrouping: false })}:${two(m)}` : formatNumber(m, { useGrouping: false })}:${two(s)}`;
}

function decimal(value) {
  return formatNumber(value, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

/** The same one-word status as the server's lists (admin/routes/episodes.routes.ts displayStatus). */
function displayStatus(publication, audioStatus) {
  if (publication === "published" || publication === "scheduled" || publication === "unpublished") return publication;
  if (audioStatus === "failed") return "failed";
  if (audioStatus === "queued" || audioStatus === "processing") return "processing";
  return audioStatus === "ready" ? "ready" : "draft";
}

/** Shows one variant's audio state (from GET /api/v1/episodes/:id) in its card. */
function renderAudio(card, audio) {
  const status = audio?.status ?? "none";
  const head = card.querySelector("[data-variant-badge]");
  if (head) {
    const shown = displayStatus(card.getAttribute("data-status"), status);
    head.className = `badge status--${shown}`;
    head.textContent = messages[`status_${shown}`] ?? shown;
  }
  const box = card.querySelector("[data-processing]");
  const bar = box?.querySelector(".bar");
  const text = box?.querySelector("[data-processing-text]");
  const badge = card.querySelector("[data-audio-badge]");
  if (badge) {
    badge.className = `badge status--${status}`;
    badge.textContent = messages[`audio_${status}`] ?? status;
  }
  if (box) box.hidden = status !== "queued" && status !== "processing";
  if (status === "queued" || status === "processing") {
    const progress = status === "queued" ? 0 : audio.progress ?? 0;
    const label = status === "queued" ? msg("queued") : msg("processing", { percent: formatPercent(progress) });
    setBar(bar, progress, label);
    if (text) text.textContent = label;
  }
  const error = card.querySelector("[data-audio-error]");
  if (error) {
    error.hidden = status !== "failed";
    if (status === "failed") error.textContent = audio.error?.message ?? msg("failed");
  }
  if (status === "ready") {
    const facts = card.querySelector("[data-audio-facts]");
    if (facts) {
      facts.hidden = false;
      const set = (name, value) => {
        const dd = facts.querySelector(`[data-fact="${name}"]`);
        if (dd && value !== undefined && value !== null) dd.textContent = value;
      };
      if (audio.durationSeconds != null) set("duration", formatDuration(audio.durationSeconds));
      if (audio.loudness?.inputLufs != null) set("inputLufs", msg("lufs", { value: decimal(audio.loudness.inputLufs) }));
      if (audio.loudness?.outputLufs != null) set("outputLufs", msg("lufs", { value: decimal(audio.loudness.outputLufs) }));
      if (audio.loudness?.truePeakDbtp != null) set("truePeak", msg("dbtp", { value: decimal(audio.loudness.truePeakDbtp) }));
    }
    // The admin's own preview address (not the tracked /media one: staff listening is not a download).
    const player = card.querySelector("audio[data-preview]");
    const previewUrl = player?.getAttribute("data-preview-url");
    if (player && previewUrl && (player.hidden || !player.getAttribute("src"))) {
      player.src = `${previewUrl}?v=${Date.now()}`;
      player.hidden = false;
    }
    for (const button of card.querySelectorAll("[data-needs-audio]")) {
      button.disabled = false;
      button.removeAttribute("aria-disabled");
    }
    card.querySelector("[data-needs-audio-hint]")?.setAttribute("hidden", "");
  }
}

async function pollOnce(episodeId) {
  const episode = await api("GET", `/api/v1/episodes/${encodeURIComponent(episodeId)}`);
  let busy = false;
  for (const variant of Object.values(episode.variants ?? {})) {
    const card = document.querySelector(`[data-variant][data-episode="${episodeId}"][data-locale="${variant.locale}"]`);
    if (!card) continue;
    const before = card.getAttribute("data-audio-status");
    const status = variant.audio?.status ?? "none";
    card.setAttribute("data-status", variant.status);
    renderAudio(card, variant.audio);
    card.setAttribute("data-audio-status", status);
    if (status === "queued" || status === "processing") busy = true;
    if (before !== status && (status === "ready" || status === "failed")) {
      announce(status === "ready" ? msg("readyAnnounce", { language: card.getAttribute("data-language") }) : variant.audio?.error?.message ?? msg("failed"));
    }
  }
  return busy;
}

/** Polls while any variant of the episode is queued or processing. */
function watch(episodeId) {
  if (pollers.has(episodeId)) return;
  const tick = async () => {
    let busy = true;
    try {
      busy = await pollOnce(episodeId);
    } catch {
      /* offline for a moment: keep trying */
    }
    if (busy) pollers.set(episodeId, setTimeout(tick, POLL_MS));
    else pollers.delete(episodeId);
  };
  pollers.set(episodeId, setTimeout(tick, 0));
}

// ---------------------------------------------------------------- resumable audio upload (tus)

function uploadErrorMessage(error) {
  const response = error?.originalResponse;
  if (response) {
    try {
      const body = JSON.parse(response.getBody() || "{}");
      if (body?.error?.message) return body.error.message;
    } catch {
      /* not JSON */
    }
    if (response.getStatus() === 413) return msg("tooLarge");
  }
  return msg("uploadFailed");
}

function setupAudioUpload(widget) {
  const card = widget.closest("[data-variant]");
  const episodeId = card.getAttribute("data-episode");
  const locale = card.getAttribute("data-locale");
  const input = widget.querySelector('input[type="file"]');
  const start = widget.querySelector('[data-action="start"]');
  const pause = widget.querySelector('[data-action="pause"]');
  const box = widget.querySelector("[data-upload-progress]");
  const bar = box.querySelector(".bar");
  const text = box.querySelector("[data-upload-text]");
  const error = widget.querySelector(".field-error");
  const maxBytes = Number(widget.getAttribute("data-max-bytes")) || Infinity;
  let upload = null;
  let paused = false;
  let failed = false;

  const show = (label, percent) => {
    box.hidden = false;
    if (percent !== undefined) setBar(bar, percent, label);
    text.textContent = label;
  };

  input.addEventListener("change", () => {
    showFieldError(error, input, "");
    const file = input.files?.[0];
    start.disabled = !file;
    if (file && file.size > maxBytes) {
      showFieldError(error, input, msg("tooLarge"));
      start.disabled = true;
    }
  });

  const begin = async () => {
    const file = input.files?.[0];
    if (!file) return;
    showFieldError(error, input, "");
    start.disabled = true;
    input.disabled = true;
    pause.hidden = false;
    paused = false;
    failed = false;
    upload = new tus.Upload(file, {
      endpoint: widget.getAttribute("data-endpoint"),
      chunkSize: Number(widget.getAttribute("data-chunk-size")) || undefined,
      // A dropped connection is retried (and the upload resumed from the server's offset) for
      // about two minutes before giving up; after that the "Resume" button continues it.
      retryDelays: [0, 1000, 2000, 4000, 8000, 15000, 30000, 60000],
      headers: { "X-CSRF-Token": csrfToken() },
      metadata: { filename: file.name, filetype: file.type || "application/octet-stream", episodeId, locale },
      // Resumes even after the tab was closed: the upload URL is kept in localStorage.
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      fingerprint: async (f) => ["sada", episodeId, locale, f.name, f.size, f.lastModified].join("-"),
      onShouldRetry: (err, attempt) => {
        const status = err?.originalResponse?.getStatus?.() ?? 0;
        const retry = status === 0 || status === 409 || status === 423 || status >= 500;
        if (retry) show(msg("reconnecting", { attempt: formatNumber(attempt + 1) }));
        return retry;
      },
      onProgress: (sent, total) => {
        const percent = total ? (sent / total) * 100 : 0;
        show(msg("uploading", { percent: formatPercent(percent) }), percent);
      },
      onError: (err) => {
        failed = true;
        const status = err?.originalResponse?.getStatus?.() ?? 0;
        const network = status === 0;
        show(network ? msg("connectionLost") : msg("uploadStopped"));
        bar.classList.add(network ? "bar--warn" : "bar--failed");
        if (network) {
          pause.textContent = msg("resume");
          paused = true;
        } else {
          showFieldError(error, input, uploadErrorMessage(err));
          pause.hidden = true;
          input.disabled = false;
          start.disabled = false;
        }
      },
      onSuccess: () => {
        bar.classList.remove("bar--warn", "bar--failed");
        show(msg("uploaded"), 100);
        announce(msg("uploaded"));
        pause.hidden = true;
        input.disabled = false;
        input.value = "";
        card.setAttribute("data-audio-status", "queued");
        renderAudio(card, { status: "queued", progress: 0 });
        watch(episodeId);
      },
    });
    const previous = await upload.findPreviousUploads();
    if (previous.length > 0) upload.resumeFromPreviousUpload(previous[0]);
    upload.start();
  };

  start.addEventListener("click", () => void begin());
  pause.addEventListener("click", () => {
    if (!upload) return;
    if (paused) {
      paused = false;
      failed = false;
      bar.classList.remove("bar--warn", "bar--failed");
      pause.textContent = msg("pause");
      upload.start();
    } else {
      paused = true;
      void upload.abort();
      pause.textContent = msg("resume");
      show(msg("paused"));
    }
  });
  // Back online after tus gave up: carry on by itself.
  window.addEventListener("online", () => {
    if (upload && failed && paused) pause.click();
  });
  window.addEventListener("offline", () => {
    if (upload && !paused) show(msg("offline"));
  });
}

// ---------------------------------------------------------------- transcript and chapters (PUT)

function setupFilePut(form) {
  const input = form.querySelector('input[type="file"]');
  const error = form.querySelector(".field-error");
  const status = form.querySelector("[data-put-status]");
  const button = form.querySelector('button[type="submit"]');
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = input.files?.[0];
    showFieldError(error, input, "");
    if (!file) {
      showFieldError(error, input, msg("chooseFile"));
      input.focus();
      return;
    }
    const types = JSON.parse(form.getAttribute("data-types") || "{}");
    const ext = file.name.toLowerCase().split(".").pop();
    const type = types[ext] || file.type || "application/octet-stream";
    button.disabled = true;
    status.textContent = msg("sending");
    try {
      const episode = await api("PUT", form.getAttribute("data-url"), file, { "Content-Type": type });
      status.textContent = msg("saved");
      announce(msg("saved"));
      input.value = "";
      // Link to the file just stored (the answer is the episode, as GET /api/v1/episodes/:id gives it).
      const locale = form.closest("[data-variant]")?.getAttribute("data-locale");
      const stored = episode?.variants?.[locale]?.[form.getAttribute("data-field")];
      const current = form.querySelector("[data-current]");
      if (current && stored) {
        current.href = stored;
        current.hidden = false;
      }
    } catch (err) {
      status.textContent = "";
      const detail = (err.details ?? []).map((d) => d.message).filter(Boolean).join(" ");
      showFieldError(error, input, [err.message, detail].filter(Boolean).join(" "));
      input.focus();
    } finally {
      button.disabled = false;
    }
  });
}

for (const widget of document.querySelectorAll("[data-audio-upload]")) setupAudioUpload(widget);
for (const form of document.querySelectorAll("form[data-file-put]")) setupFilePut(form);
for (const card of document.querySelectorAll("[data-variant]")) {
  const status = card.getAttribute("data-audio-status");
  if (status === "queued" || status === "processing") watch(card.getAttribute("data-episode"));
}
