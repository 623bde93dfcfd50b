// Small rules of the learner's study screens, kept apart so they are tested.

/** Position (in 1/10,000) from which a lesson counts as read to the end. */
export const READ_TO_END = 9900;

/** Media position in 1/10,000, or null while the length is unknown. */
export function positionOfMedia(currentTime: number, duration: number): number | null {
  if (!Number.isFinite(duration) || duration <= 0 || !Number.isFinite(currentTime)) return null;
  const p = Math.round((currentTime / duration) * 10000);
  return Math.min(10000, Math.max(0, p));
}

/** Whole minutes for people, rounding up any started minute above zero. */
export function minutesOf(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0) return 0;
  return Math.ceil(seconds / 60);
}
