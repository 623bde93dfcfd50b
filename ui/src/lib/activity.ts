// Honest time on task, and signing out after inactivity. Both take the
// clock as an argument so they are tested without waiting.

/** Input within this long counts as "the learner is active". */
export const ACTIVE_WINDOW_MS = 60_000;

/** The active window in use: ACTIVE_WINDOW_MS, unless a browser test shortened
 *  it by setting `globalThis.qalamTest = { activeWindowMs }` before the app
 *  loaded (so it can tell input that counts from input that does not in
 *  seconds, not minutes). Only code already running in the app's window can
 *  set it; pack pages run no scripts. */
export function activeWindowMs(): number {
  const hook = (globalThis as { qalamTest?: { activeWindowMs?: unknown } }).qalamTest?.activeWindowMs;
  return typeof hook === 'number' && Number.isFinite(hook) && hook > 0 ? hook : ACTIVE_WINDOW_MS;
}

/**
 * Counts the milliseconds during which the lesson was visible AND the
 * learner gave some input within the last `windowMs`. Time is credited in
 * slices between calls: a slice counts only up to `windowMs` after the last
 * input, and nothing while hidden.
 */
export class ActiveTimeTracker {
  private visible: boolean;
  private lastInput: number;
  /** Up to when time has been looked at. */
  private cursor: number;
  private pendingMs = 0;

  constructor(now: number, visible = true, private readonly windowMs = ACTIVE_WINDOW_MS) {
    this.visible = visible;
    // Opening the lesson is itself an action of the learner.
    this.lastInput = now;
    this.cursor = now;
  }

  /** Credits the time from the cursor to `now` that was visible and active. */
  private advance(now: number): void {
    if (now <= this.cursor) return;
    if (this.visible) {
      const activeUntil = Math.min(now, this.lastInput + this.windowMs);
      if (activeUntil > this.cursor) this.pendingMs += activeUntil - this.cursor;
    }
    this.cursor = now;
  }

  /** Mouse, keyboard, touch, scroll or wheel. */
  input(now: number): void {
    this.advance(now);
    this.lastInput = now;
  }

  /** The document became visible or hidden (Page Visibility API). */
  setVisible(visible: boolean, now: number): void {
    this.advance(now);
    this.visible = visible;
    // Coming back to the page is an action too.
    if (visible) this.lastInput = now;
  }

  /** Whole seconds counted and not yet taken; the fraction stays for next time. */
  take(now: number, maxSeconds = Number.POSITIVE_INFINITY): number {
    this.advance(now);
    const seconds = Math.min(Math.floor(this.pendingMs / 1000), maxSeconds);
    this.pendingMs -= seconds * 1000;
    return seconds;
  }

  /** Counted milliseconds not yet taken (for display and tests). */
  peekMs(now: number): number {
    this.advance(now);
    return this.pendingMs;
  }
}

export interface TimerHost {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: TimerHost = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Calls `onIdle` once after `timeoutMs` without `poke()`. Pokes are cheap:
 * the timer is only re-armed when it fires early.
 */
export class IdleTimer {
  private last: number;
  private handle: unknown = null;
  private stopped = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly onIdle: () => void,
    private readonly host: TimerHost = realTimers,
  ) {
    this.last = host.now();
    this.arm(timeoutMs);
  }

  private arm(ms: number): void {
    this.handle = this.host.setTimeout(() => this.check(), Math.max(0, ms));
  }

  private check(): void {
    this.handle = null;
    if (this.stopped) return;
    const left = this.last + this.timeoutMs - this.host.now();
    if (left > 0) {
      this.arm(left);
      return;
    }
    this.stopped = true;
    this.onIdle();
  }

  /** Some input happened. */
  poke(): void {
    if (this.stopped) return;
    this.last = this.host.now();
  }

  /** Milliseconds until `onIdle`, 0 once it has fired. */
  remainingMs(): number {
    if (this.stopped) return 0;
    return Math.max(0, this.last + this.timeoutMs - this.host.now());
  }

  stop(): void {
    this.stopped = true;
    if (this.handle !== null) this.host.clearTimeout(this.handle);
    this.handle = null;
  }
}

/** The DOM events that count as the learner doing something. */
export const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'scroll'] as const;

/** Sent on `window` while a lesson's video or recording plays: watching is
 *  activity too, though the mouse and keyboard rest. */
export const PLAYING_EVENT = 'qalam:playing';
