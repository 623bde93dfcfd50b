import { describe, expect, it } from 'vitest';
import { PICTURES, pictureDigit, pinToPictures, picturesToPin, signInMethod } from '../../src/lib/pictures';
import { isLearnerPin, toAsciiDigits } from '../../src/lib/digits';

describe('picture passwords', () => {
  it('has nine pictures, picture k being digit k', () => {
    expect(PICTURES).toHaveLength(9);
    expect(pictureDigit('sun')).toBe('1');
    expect(pictureDigit('flower')).toBe('9');
  });

  it('maps pictures to digits in order and back', () => {
    expect(picturesToPin(['cat', 'sun', 'flower', 'cat'])).toBe('3193');
    expect(pinToPictures('3193')).toEqual(['cat', 'sun', 'flower', 'cat']);
    for (const p of PICTURES) expect(pinToPictures(picturesToPin([p]))).toEqual([p]);
  });

  it('refuses digits outside 1–9', () => {
    expect(pinToPictures('1029')).toBeNull();
    expect(pinToPictures('12a4')).toBeNull();
  });

  it('reads how a profile signs in, with older devices that only say has_pin', () => {
    expect(signInMethod({ has_pin: true })).toBe('pin');
    expect(signInMethod({ has_pin: false })).toBe('none');
    expect(signInMethod({ has_pin: true, sign_in_with: 'pictures' })).toBe('pictures');
    expect(signInMethod({ has_pin: false, sign_in_with: 'none' })).toBe('none');
  });
});

describe('digits in any script', () => {
  it('turns Arabic-Indic and Extended Arabic-Indic digits into ASCII', () => {
    expect(toAsciiDigits('١٢٣٤')).toBe('1234');
    expect(toAsciiDigits('۱۲۳۴')).toBe('1234');
    expect(toAsciiDigits('a٥b')).toBe('a5b');
  });

  it('checks a learner PIN: 4–6 digits of any script', () => {
    expect(isLearnerPin('1234')).toBe(true);
    expect(isLearnerPin('١٢٣٤٥٦')).toBe(true);
    expect(isLearnerPin('۱۲۳')).toBe(false);
    expect(isLearnerPin('1234567')).toBe(false);
    expect(isLearnerPin('12a4')).toBe(false);
  });
});
