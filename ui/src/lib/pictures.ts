// Picture passwords: a sequence of pictures from a fixed alphabet of nine.
// The device receives them as the `pin` string of digits 1–9, picture k
// (counting from 1 in the order below) being digit k.
import type { PickerProfile, SignInWith } from '../platform';

export const PICTURES = ['sun', 'tree', 'cat', 'fish', 'star', 'house', 'apple', 'bird', 'flower'] as const;
export type PictureId = (typeof PICTURES)[number];

/** How many pictures make a picture password. */
export const PICTURE_PASSWORD_LENGTH = 4;

/** The digit the device receives for a picture ('1'…'9'). */
export function pictureDigit(picture: PictureId): string {
  return String(PICTURES.indexOf(picture) + 1);
}

/** Pictures in order → the digit string sent as `pin`. */
export function picturesToPin(pictures: readonly PictureId[]): string {
  return pictures.map(pictureDigit).join('');
}

/** The digit string back to pictures; null when any character is not 1–9. */
export function pinToPictures(pin: string): PictureId[] | null {
  const out: PictureId[] = [];
  for (const ch of pin) {
    const k = ch.charCodeAt(0) - 48;
    const picture = k >= 1 && k <= 9 ? PICTURES[k - 1] : undefined;
    if (!picture) return null;
    out.push(picture);
  }
  return out;
}

/** How a profile signs in. Devices that predate `sign_in_with` only say
 *  whether there is a PIN. */
export function signInMethod(profile: Pick<PickerProfile, 'has_pin' | 'sign_in_with'>): SignInWith {
  const given = profile.sign_in_with;
  if (given === 'none' || given === 'pin' || given === 'pictures') return given;
  return profile.has_pin ? 'pin' : 'none';
}
