import { html, type SafeHtml } from "../../http/html.ts";
import type { AudioView, PageMeta, ShowHeaderView } from "../site.presenter.ts";

// Pieces shared by the show and episode pages.

/** HTML5 player (no script); the links below it work where the browser cannot play the file. */
export function player(audio: AudioView, labelId: string, tr: PageMeta["tr"]): SafeHtml {
  return html`<div class="player">
    <audio controls preload="none" aria-labelledby="${labelId}">
      <source src="${audio.src}" type="${audio.type}">
      <p>${tr("episode.noAudioSupport")} <a href="${audio.downloadHref}">${audio.downloadLabel}</a></p>
    </audio>
    <ul class="player__links">
      <li><a href="${audio.downloadHref}" download>${audio.downloadLabel}</a></li>
      ${audio.lowData ? html`<li><a href="${audio.lowData.href}" download>${audio.lowData.label}</a></li>` : ""}
    </ul>
  </div>`;
}

export function subscribeBox(show: ShowHeaderView, tr: PageMeta["tr"]): SafeHtml {
  return html`<section class="subscribe" aria-labelledby="subscribe-title">
    <h2 id="subscribe-title">${tr("show.subscribe")}</h2>
    <p>${tr("show.subscribeIntro")}</p>
    <ul class="subscribe__apps">
      ${show.subscribe.map((s) => html`<li><a href="${s.href}" lang="en" dir="ltr">${s.app}</a></li>`)}
      <li><a href="${show.feedUrl}" type="application/rss+xml">${tr("show.rssFeed")}</a></li>
    </ul>
    <p class="subscribe__feed">
      <label for="feed-url">${tr("show.feedAddress")}</label>
      <input id="feed-url" type="url" readonly value="${show.feedUrl}" dir="ltr">
    </p>
  </section>`;
}

export function showArtwork(show: ShowHeaderView, sizes: string): SafeHtml | "" {
  if (!show.artwork) return "";
  return html`<img class="artwork" src="${show.artwork.src}" srcset="${show.artwork.srcset}" sizes="${sizes}" width="300" height="300" alt="${show.artwork.alt}">`;
}
