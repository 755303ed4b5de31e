import { html, raw, type SafeHtml } from "../../http/html.ts";
import { dirOf } from "../../i18n.ts";
import type { EpisodePageView } from "../site.presenter.ts";
import { layout } from "./layout.ts";
import { player, subscribeBox } from "./components.ts";

export function episodePage(view: EpisodePageView): SafeHtml {
  const { meta, show, episode } = view;
  const { tr } = meta;
  const body = html`<article class="episode">
  <p class="breadcrumb"><a href="${show.href}">${tr("episode.allEpisodes", { title: show.title })}</a></p>
  <header class="episode__header">
    ${episode.imageSrc ? html`<img class="artwork artwork--small" src="${episode.imageSrc}" width="150" height="150" alt="">` : ""}
    <div>
      ${episode.label ? html`<p class="episode__label">${episode.label}</p>` : ""}
      <h1 id="episode-title">${episode.title}</h1>
      <dl class="meta meta--list">
        <div><dt>${tr("episode.published")}</dt><dd><time datetime="${episode.dateIso}">${episode.dateText}</time></dd></div>
        <div><dt>${tr("episode.duration")}</dt><dd><time datetime="${episode.durationIso}">${episode.durationText}</time></dd></div>
      </dl>
    </div>
  </header>
  ${player(episode.audio, "episode-title", tr)}
  ${
    episode.otherLanguages.length > 0
      ? html`<nav class="other-languages" aria-labelledby="other-languages-title">
    <h2 id="other-languages-title">${tr("episode.otherLanguages")}</h2>
    <ul>
      ${episode.otherLanguages.map(
        (o) => html`<li><a href="${o.href}" hreflang="${o.locale}" lang="${o.locale}" dir="${dirOf(o.locale)}">${o.title}</a> <span class="meta" lang="${o.locale}">(${o.name})</span></li>`,
      )}
    </ul>
  </nav>`
      : ""
  }
  ${
    episode.showNotesHtml
      ? html`<section class="show-notes" aria-labelledby="notes-title">
    <h2 id="notes-title">${tr("episode.showNotes")}</h2>
    ${raw(episode.showNotesHtml)}
  </section>`
      : ""
  }
  ${
    episode.chapters.length > 0
      ? html`<section class="chapters" aria-labelledby="chapters-title">
    <h2 id="chapters-title">${tr("episode.chapters")}</h2>
    <ol>
      ${episode.chapters.map(
        (c) => html`<li><span class="timestamp">${c.timeText}</span> ${c.url ? html`<a href="${c.url}" rel="noopener nofollow">${c.title}</a>` : c.title}</li>`,
      )}
    </ol>
  </section>`
      : ""
  }
  ${
    episode.transcript
      ? html`<section class="transcript" aria-labelledby="transcript-title">
    <h2 id="transcript-title">${tr("episode.transcript")}</h2>
    ${episode.transcript.paragraphs.map(
      (p) => html`<p><time class="timestamp" datetime="${p.timeIso}">${p.timeText}</time> ${
        p.speakerChanged && p.speaker ? html`<strong class="speaker">${tr("episode.speaker", { name: p.speaker })}</strong> ` : ""
      }${p.text}</p>`,
    )}
    <p><a href="${episode.transcript.fileHref}" type="text/vtt">${tr("episode.transcriptFile")}</a></p>
  </section>`
      : ""
  }
  ${subscribeBox(show, tr)}
</article>`;
  return layout(meta, body);
}
