// The lesson frame of HTML and Markdown lessons: where the learner is in it,
// and the learner's input inside it. The frame shares the app's origin (the
// content policy grants `allow-same-origin` and no scripts, see
// crates/core/src/packs/content.rs), so the app can read its document; the
// pack page itself can run nothing.

import { ACTIVITY_EVENTS } from './activity';
import { READ_TO_END } from './study';

/** The part of a page that can scroll, in CSS pixels. */
export interface ScrollBox {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
}

/**
 * Where the learner is in a page, in 1/10,000 of the way from the top to the
 * bottom of what can scroll; a fraction, not pixels, so it holds when the
 * window, the font size or the device differs. Null when nothing scrolls (the
 * whole page is in view: there is no place to keep).
 */
export function positionOfScroll(box: ScrollBox): number | null {
  const range = box.scrollHeight - box.clientHeight;
  if (!Number.isFinite(range) || range < 1 || !Number.isFinite(box.scrollTop)) return null;
  const p = Math.round((box.scrollTop / range) * 10000);
  return Math.min(10000, Math.max(0, p));
}

/**
 * The scroll offset that puts a page back at `position`, or null when there is
 * nothing to restore: the top, a page read to the end (it opens at the top
 * again, as media does), or a page that does not scroll.
 */
export function scrollTopOf(position: number, box: Omit<ScrollBox, 'scrollTop'>): number | null {
  if (!Number.isFinite(position) || position <= 0 || position >= READ_TO_END) return null;
  const range = box.scrollHeight - box.clientHeight;
  if (!Number.isFinite(range) || range < 1) return null;
  return Math.round((position / 10000) * range);
}

/** The document inside a lesson frame, when the app may see it (null when it
 *  has not loaded, or a browser kept it on an origin of its own). */
export function frameDocument(frame: HTMLIFrameElement): Document | null {
  try {
    const doc = frame.contentDocument;
    // `about:blank` stands in while the lesson loads: it is not the lesson.
    if (!doc || doc.location?.href === 'about:blank') return null;
    return doc;
  } catch {
    return null;
  }
}

/** The scrolling box of a lesson document. */
export function scrollBoxOf(doc: Document): ScrollBox | null {
  return doc.scrollingElement ?? doc.documentElement ?? null;
}

export interface FrameWatch {
  /** Input inside the frame: the learner is active. */
  onActivity(): void;
  /** The page scrolled; `position` in 1/10,000 (see positionOfScroll). */
  onScroll(position: number): void;
  /** A page finished loading in the frame (the first, or one it navigated to). */
  onLoad?(doc: Document): void;
}

/**
 * Listens to input and scrolling inside `frame`, again after every page the
 * frame loads (a link inside a lesson may lead to another page of the pack).
 * Returns the function that stops listening. When the frame's document is not
 * reachable, nothing is seen, and the lesson still shows.
 */
export function watchFrame(frame: HTMLIFrameElement, watch: FrameWatch): () => void {
  let detachDoc: (() => void) | null = null;

  const attach = () => {
    detachDoc?.();
    detachDoc = null;
    const doc = frameDocument(frame);
    if (!doc) return;
    const activity = () => watch.onActivity();
    const scrolled = () => {
      watch.onActivity();
      const box = scrollBoxOf(doc);
      const p = box ? positionOfScroll(box) : null;
      if (p !== null) watch.onScroll(p);
    };
    const names = ACTIVITY_EVENTS.filter((name) => name !== 'scroll');
    for (const name of names) doc.addEventListener(name, activity, { capture: true, passive: true });
    // Scroll events of the page itself reach its document, not the frame.
    doc.addEventListener('scroll', scrolled, { passive: true });
    detachDoc = () => {
      for (const name of names) doc.removeEventListener(name, activity, { capture: true });
      doc.removeEventListener('scroll', scrolled);
    };
    watch.onLoad?.(doc);
  };

  frame.addEventListener('load', attach);
  // The page may have loaded before anyone listened.
  if (frameDocument(frame)?.readyState === 'complete') attach();
  return () => {
    frame.removeEventListener('load', attach);
    detachDoc?.();
    detachDoc = null;
  };
}
