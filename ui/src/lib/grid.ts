// Arrow keys in a wrapped grid of buttons: left/right follow the reading
// direction, up/down move to the nearest button in the row above or below.

export interface Boxed {
  getBoundingClientRect(): { left: number; top: number; width: number; height: number };
}

/** Index to move focus to, or null when the key does not move. */
export function gridMove(items: readonly Boxed[], from: number, key: string, dir: 'ltr' | 'rtl'): number | null {
  if (from < 0 || from >= items.length) return null;
  const last = items.length - 1;
  const forward = dir === 'rtl' ? 'ArrowLeft' : 'ArrowRight';
  const backward = dir === 'rtl' ? 'ArrowRight' : 'ArrowLeft';
  if (key === forward) return Math.min(last, from + 1);
  if (key === backward) return Math.max(0, from - 1);
  if (key === 'Home') return 0;
  if (key === 'End') return last;
  if (key !== 'ArrowDown' && key !== 'ArrowUp') return null;
  const boxes = items.map((el) => el.getBoundingClientRect());
  const here = boxes[from];
  if (!here) return null;
  const centre = here.left + here.width / 2;
  let best: number | null = null;
  let bestScore = Number.POSITIVE_INFINITY;
  boxes.forEach((b, i) => {
    const below = b.top > here.top + here.height / 2;
    const above = b.top + b.height / 2 < here.top;
    if ((key === 'ArrowDown' && !below) || (key === 'ArrowUp' && !above)) return;
    const rowDistance = Math.abs(b.top - here.top);
    const score = rowDistance * 10_000 + Math.abs(b.left + b.width / 2 - centre);
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  });
  return best ?? from;
}
