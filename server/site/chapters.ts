import { chaptersDocument } from "../episodes/chapters.ts";

// Podcasting 2.0 JSON chapters, read for the episode page with the same schema that validated them
// on upload (episodes/chapters.ts: links are http(s) only). A stored file that no longer passes it
// shows as no chapters rather than as an error page.

export interface PageChapter {
  startSeconds: number;
  title: string;
  url?: string;
}

/** Chapters for the table of contents (those with `toc: false` are silent markers), in time order. */
export function parseChapters(json: string): PageChapter[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return [];
  }
  const parsed = chaptersDocument.safeParse(data);
  if (!parsed.success) return [];
  return parsed.data.chapters
    .flatMap((c) => (c.toc === false || !c.title ? [] : [{ startSeconds: c.startTime, title: c.title, url: c.url }]))
    .sort((a, b) => a.startSeconds - b.startSeconds);
}
