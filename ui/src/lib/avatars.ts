// Profile avatars: a large coloured tile with the first letter of the name.
// Colour and letter are easy to recognise for people new to computers and
// need no images or emoji fonts. The device stores the avatar as a short
// id; ours are `colour-<name>`. Any other id gets a stable colour from it.

export const AVATAR_COLOURS = [
  { id: 'red', bg: '#b3261e' },
  { id: 'orange', bg: '#b35400' },
  { id: 'green', bg: '#1e7b34' },
  { id: 'teal', bg: '#00695c' },
  { id: 'blue', bg: '#0b57d0' },
  { id: 'purple', bg: '#6a1b9a' },
  { id: 'pink', bg: '#ad1457' },
  { id: 'brown', bg: '#5d4037' },
  { id: 'grey', bg: '#455a64' },
  { id: 'black', bg: '#1b1b1b' },
] as const;

export type AvatarColour = (typeof AVATAR_COLOURS)[number]['id'];

export function avatarId(colour: AvatarColour): string {
  return `colour-${colour}`;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** The colour of an avatar id; unknown or empty ids get one from `fallbackKey`. */
export function avatarColour(avatar: string, fallbackKey = ''): (typeof AVATAR_COLOURS)[number] {
  const named = AVATAR_COLOURS.find((c) => avatar === avatarId(c.id));
  if (named) return named;
  const key = avatar || fallbackKey;
  return AVATAR_COLOURS[hash(key) % AVATAR_COLOURS.length] ?? AVATAR_COLOURS[0];
}

/** The first letter of a name as people see it (a whole grapheme). */
export function initialOf(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) return '?';
  const Segmenter = (Intl as { Segmenter?: typeof Intl.Segmenter }).Segmenter;
  if (Segmenter) {
    const first = new Segmenter(undefined, { granularity: 'grapheme' }).segment(trimmed)[Symbol.iterator]().next();
    if (!first.done) return first.value.segment.toLocaleUpperCase();
  }
  return (Array.from(trimmed)[0] ?? '?').toLocaleUpperCase();
}
