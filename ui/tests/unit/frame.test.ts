// The lesson frame: where the learner is in an HTML or Markdown lesson, and
// the learner's input inside it counting as activity.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ActiveTimeTracker, activeWindowMs, ACTIVE_WINDOW_MS } from '../../src/lib/activity';
import { frameDocument, positionOfScroll, scrollTopOf, watchFrame } from '../../src/lib/frame';
import { READ_TO_END } from '../../src/lib/study';
import { frameUrl } from '../../src/platform';

describe('the reading position of a page', () => {
  it('is the fraction of the scrollable height, in 1/10,000', () => {
    expect(positionOfScroll({ scrollTop: 0, scrollHeight: 3000, clientHeight: 1000 })).toBe(0);
    expect(positionOfScroll({ scrollTop: 1000, scrollHeight: 3000, clientHeight: 1000 })).toBe(5000);
    expect(positionOfScroll({ scrollTop: 2000, scrollHeight: 3000, clientHeight: 1000 })).toBe(10000);
    // Overscroll (elastic scrolling) stays inside the range.
    expect(positionOfScroll({ scrollTop: 2100, scrollHeight: 3000, clientHeight: 1000 })).toBe(10000);
    expect(positionOfScroll({ scrollTop: -20, scrollHeight: 3000, clientHeight: 1000 })).toBe(0);
  });

  it('is nothing when the whole page is in view', () => {
    expect(positionOfScroll({ scrollTop: 0, scrollHeight: 800, clientHeight: 800 })).toBeNull();
    expect(positionOfScroll({ scrollTop: 0, scrollHeight: 0, clientHeight: 0 })).toBeNull();
    expect(positionOfScroll({ scrollTop: Number.NaN, scrollHeight: 3000, clientHeight: 800 })).toBeNull();
  });

  it('survives another window size or font size: the same place in the text', () => {
    // Halfway down on a wide laptop window …
    const saved = positionOfScroll({ scrollTop: 1100, scrollHeight: 3000, clientHeight: 800 });
    expect(saved).toBe(5000);
    // … is halfway down on a phone, where the text is twice as long.
    expect(scrollTopOf(saved ?? 0, { scrollHeight: 6400, clientHeight: 600 })).toBe(2900);
  });

  it('restores a place in the middle, but not the top, the end, or a page that does not scroll', () => {
    const box = { scrollHeight: 3000, clientHeight: 1000 };
    expect(scrollTopOf(2500, box)).toBe(500);
    expect(scrollTopOf(0, box)).toBeNull();
    // Read to the end: it opens at the top again, as media does.
    expect(scrollTopOf(READ_TO_END, box)).toBeNull();
    expect(scrollTopOf(10000, box)).toBeNull();
    expect(scrollTopOf(5000, { scrollHeight: 500, clientHeight: 500 })).toBeNull();
    expect(scrollTopOf(Number.NaN, box)).toBeNull();
  });

  it('round-trips through save and restore', () => {
    for (const top of [1, 137, 999, 1500, 1900]) {
      const box = { scrollTop: top, scrollHeight: 2800, clientHeight: 800 };
      const p = positionOfScroll(box) ?? 0;
      const back = scrollTopOf(p, box);
      if (p < READ_TO_END) expect(Math.abs((back ?? 0) - top)).toBeLessThanOrEqual(1);
    }
  });
});

describe('the lesson frame URL', () => {
  it('is /content/ on the app’s own origin, whatever the transport', () => {
    expect(frameUrl('lessons/01 intro#1.ar.html')).toBe('/content/lessons/01%20intro%231.ar.html');
    expect(frameUrl('/org.test/x.md')).toBe('/content/org.test/x.md');
  });
});

/** A lesson frame whose document the app can see (same origin): a separate
 *  document, with a page that scrolls. */
function fakeFrame() {
  const doc = document.implementation.createHTMLDocument('lesson');
  const root = doc.documentElement;
  let top = 0;
  Object.defineProperty(doc, 'scrollingElement', { value: root, configurable: true });
  Object.defineProperty(root, 'scrollHeight', { value: 4000, configurable: true });
  Object.defineProperty(root, 'clientHeight', { value: 1000, configurable: true });
  Object.defineProperty(root, 'scrollTop', { get: () => top, set: (v: number) => (top = v), configurable: true });
  const frame = document.createElement('iframe');
  Object.defineProperty(frame, 'contentDocument', { get: () => doc, configurable: true });
  return {
    frame,
    doc,
    scrollTo(px: number) {
      top = px;
      doc.dispatchEvent(new Event('scroll'));
    },
  };
}

describe('watching the lesson frame', () => {
  afterEach(() => {
    document.body.innerHTML = '';
    delete (globalThis as { qalamTest?: unknown }).qalamTest;
  });

  it('reports input and scrolling inside the frame after it loaded, and stops when asked', () => {
    const { frame, doc, scrollTo } = fakeFrame();
    const onActivity = vi.fn();
    const onScroll = vi.fn();
    const onLoad = vi.fn();
    const stop = watchFrame(frame, { onActivity, onScroll, onLoad });
    frame.dispatchEvent(new Event('load'));
    expect(onLoad).toHaveBeenCalled();
    const loads = onLoad.mock.calls.length;

    for (const name of ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart']) {
      doc.body.dispatchEvent(new Event(name, { bubbles: true }));
    }
    expect(onActivity).toHaveBeenCalledTimes(5);
    scrollTo(1500);
    expect(onActivity).toHaveBeenCalledTimes(6);
    expect(onScroll).toHaveBeenLastCalledWith(5000);

    // A second load (a link to another page of the pack) listens again, once.
    frame.dispatchEvent(new Event('load'));
    expect(onLoad).toHaveBeenCalledTimes(loads + 1);
    doc.body.dispatchEvent(new Event('keydown', { bubbles: true }));
    expect(onActivity).toHaveBeenCalledTimes(7);

    stop();
    doc.body.dispatchEvent(new Event('keydown', { bubbles: true }));
    scrollTo(3000);
    frame.dispatchEvent(new Event('load'));
    expect(onActivity).toHaveBeenCalledTimes(7);
    expect(onScroll).toHaveBeenCalledTimes(1);
  });

  it('sees nothing, and breaks nothing, when the frame keeps its document to itself', () => {
    const frame = document.createElement('iframe');
    Object.defineProperty(frame, 'contentDocument', { get: () => null });
    const onActivity = vi.fn();
    const stop = watchFrame(frame, { onActivity, onScroll: vi.fn() });
    frame.dispatchEvent(new Event('load'));
    expect(frameDocument(frame)).toBeNull();
    stop();
    expect(onActivity).not.toHaveBeenCalled();
  });

  it('keeps time counting while the learner reads and scrolls inside the frame', () => {
    const { frame, doc, scrollTo } = fakeFrame();
    const tracker = new ActiveTimeTracker(0, true, 60_000);
    let now = 0;
    watchFrame(frame, { onActivity: () => tracker.input(now), onScroll: () => {} });
    frame.dispatchEvent(new Event('load'));
    // Five minutes of reading: a scroll or a key inside the frame every 50 s.
    for (now = 50_000; now <= 300_000; now += 50_000) {
      if (now % 100_000 === 0) scrollTo(now / 100);
      else doc.body.dispatchEvent(new Event('keydown', { bubbles: true }));
    }
    expect(tracker.take(300_000)).toBe(300);
    // Then nothing for five minutes: only the first minute of it counts.
    expect(tracker.take(600_000)).toBe(60);
  });

  it('lets a browser test shorten the active window, and nothing else', () => {
    expect(activeWindowMs()).toBe(ACTIVE_WINDOW_MS);
    (globalThis as { qalamTest?: unknown }).qalamTest = { activeWindowMs: 3000 };
    expect(activeWindowMs()).toBe(3000);
    for (const bad of [0, -5, Number.NaN, '3000', null]) {
      (globalThis as { qalamTest?: unknown }).qalamTest = { activeWindowMs: bad };
      expect(activeWindowMs()).toBe(ACTIVE_WINDOW_MS);
    }
  });
});
