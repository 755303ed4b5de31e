import { html, type SafeHtml } from "../../http/html.ts";
import type { ShowPageView } from "../site.presenter.ts";
import { layout } from "./layout.ts";
import { player, showArtwork, subscribeBox } from "./components.ts";

export function showPage(view: ShowPageView): SafeHtml {
  const { meta, show } = view;
  const { tr } = meta;
  const body = html`<article class="show">
  <header class="show__header">
    ${showArtwork(show, "(min-width: 40em) 300px, 60vw")}
    <div class="show__intro">
      <h1>${show.title}</h1>
      <p class="show__author">${tr("show.by", { author: show.author })}</p>
      ${show.description ? html`<p class="show__description">${show.description}</p>` : ""}
    </div>
  </header>
  ${subscribeBox(show, tr)}
  <section class="episodes" aria-labelledby="episodes-title">
    <h2 id="episodes-title">${tr("show.episodes")}</h2>
    ${
      view.episodes.length === 0
        ? html`<p>${tr("show.noEpisodes")}</p>`
        : html`<ol class="episode-list" reversed>
      ${view.episodes.map(
        (e, i) => html`<li class="episode-card">
        <h3 id="episode-${i}"><a href="${e.href}">${e.title}</a></h3>
        <p class="meta">${e.label ? html`<span>${e.label}</span> · ` : ""}<time datetime="${e.dateIso}">${e.dateText}</time> · <time datetime="${e.durationIso}">${e.durationText}</time></p>
        ${e.summary ? html`<p>${e.summary}</p>` : ""}
        ${player(e.audio, `episode-${i}`, tr)}
      </li>`,
      )}
    </ol>`
    }
    ${
      view.pagination
        ? html`<nav class="pagination" aria-label="${tr("show.pagination")}">
      <p>${view.pagination.label}</p>
      <ul>
        ${view.pagination.newer ? html`<li><a href="${view.pagination.newer}" rel="prev">${tr("show.newer")}</a></li>` : ""}
        ${view.pagination.older ? html`<li><a href="${view.pagination.older}" rel="next">${tr("show.older")}</a></li>` : ""}
      </ul>
    </nav>`
        : ""
    }
  </section>
</article>`;
  return layout(meta, body);
}
