import { describe, expect, it } from 'vitest';
import { ActiveTimeTracker, IdleTimer, type TimerHost } from '../../src/lib/activity';

describe('ActiveTimeTracker: honest time on task', () => {
  it('counts visible time while the learner was active in the last minute', () => {
    const t = new ActiveTimeTracker(0, true, 60_000);
    t.input(10_000);
    expect(t.take(30_000)).toBe(30);
    expect(t.take(30_000)).toBe(0);
  });

  it('stops counting a minute after the last input', () => {
    const t = new ActiveTimeTracker(0, true, 60_000);
    // Nobody touches anything for five minutes.
    expect(t.take(300_000)).toBe(60);
    t.input(400_000);
    expect(t.take(420_000)).toBe(20);
  });

  it('counts nothing while the page is hidden', () => {
    const t = new ActiveTimeTracker(0, true, 60_000);
    t.setVisible(false, 5_000);
    t.input(10_000); // input while hidden does not make the time count
    expect(t.take(50_000)).toBe(5);
    t.setVisible(true, 100_000);
    expect(t.take(110_000)).toBe(10);
  });

  it('keeps the fraction of a second for the next call', () => {
    const t = new ActiveTimeTracker(0, true, 60_000);
    expect(t.take(1_500)).toBe(1);
    expect(t.peekMs(1_500)).toBe(500);
    expect(t.take(3_000)).toBe(2);
  });

  it('never sends more than the cap and keeps the rest', () => {
    const t = new ActiveTimeTracker(0, true, 60_000);
    for (let s = 10; s <= 400; s += 10) t.input(s * 1000);
    expect(t.take(400_000, 300)).toBe(300);
    expect(t.take(400_000, 300)).toBe(100);
  });

  it('starts hidden when the page is hidden', () => {
    const t = new ActiveTimeTracker(0, false, 60_000);
    expect(t.take(30_000)).toBe(0);
  });
});

function fakeHost() {
  let now = 0;
  const timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let next = 1;
  const host: TimerHost = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = next++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => {
      const i = timers.findIndex((x) => x.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const first = timers[0];
      if (!first || first.at > end) break;
      timers.shift();
      now = first.at;
      first.fn();
    }
    now = end;
  };
  return { host, advance };
}

describe('IdleTimer: sign out after inactivity', () => {
  it('fires once after the timeout without input', () => {
    const { host, advance } = fakeHost();
    let fired = 0;
    new IdleTimer(900_000, () => fired++, host);
    advance(899_000);
    expect(fired).toBe(0);
    advance(2_000);
    expect(fired).toBe(1);
    advance(2_000_000);
    expect(fired).toBe(1);
  });

  it('input pushes the deadline back', () => {
    const { host, advance } = fakeHost();
    let fired = 0;
    const timer = new IdleTimer(60_000, () => fired++, host);
    advance(50_000);
    timer.poke();
    advance(50_000);
    expect(fired).toBe(0);
    expect(timer.remainingMs()).toBe(10_000);
    advance(10_000);
    expect(fired).toBe(1);
    expect(timer.remainingMs()).toBe(0);
  });

  it('stop() cancels it', () => {
    const { host, advance } = fakeHost();
    let fired = 0;
    const timer = new IdleTimer(1_000, () => fired++, host);
    timer.stop();
    advance(5_000);
    expect(fired).toBe(0);
  });
});
