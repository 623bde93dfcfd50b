// The PIN pad and the picture pad, mounted in a DOM: what a press puts in
// the field, and what a picture password sends.
import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import PinPad from '../../src/components/PinPad.svelte';
import PicturePad from '../../src/components/PicturePad.svelte';
import { setLocale } from '../../src/i18n/index.svelte';
import { picturesToPin, type PictureId } from '../../src/lib/pictures';

let mounted: Record<string, unknown> | null = null;
afterEach(() => {
  if (mounted) unmount(mounted);
  mounted = null;
  document.body.innerHTML = '';
  setLocale('en');
});

const press = (el: Element | null | undefined) => {
  (el as HTMLElement).click();
  flushSync();
};

describe('PinPad', () => {
  it('types digits and erases, and shows Arabic-Indic digits in Arabic', () => {
    setLocale('ar');
    const target = document.createElement('div');
    document.body.append(target);
    mounted = mount(PinPad, { target, props: { id: 'pin', label: 'PIN' } });
    flushSync();
    const keys = [...target.querySelectorAll('.pin-key')];
    expect(keys.map((k) => k.textContent?.trim()).slice(0, 3)).toEqual(['١', '٢', '٣']);
    press(keys[1]); // 2
    press(keys[4]); // 5
    press(target.querySelector('.pin-key-zero'));
    const field = target.querySelector<HTMLInputElement>('#pin');
    expect(field?.value).toBe('250');
    press(target.querySelector('.pin-key-erase'));
    expect(field?.value).toBe('25');
    // The field itself takes any script: nothing is blocked.
    expect(field?.hasAttribute('pattern')).toBe(false);
    expect(target.querySelector('.pin-key-erase')?.getAttribute('aria-label')).toBeTruthy();
  });
});

describe('PicturePad', () => {
  it('fills four slots in order and hands over the picture password', () => {
    const target = document.createElement('div');
    document.body.append(target);
    let done: PictureId[] | null = null;
    mounted = mount(PicturePad, { target, props: { labelledby: 'x', oncomplete: (p: PictureId[]) => (done = p) } });
    flushSync();
    const key = (p: PictureId) => target.querySelector(`.picture-key[data-picture=${p}]`);
    expect(key('cat')?.getAttribute('aria-label')).toBe('Cat');
    press(key('cat'));
    press(key('sun'));
    press(target.querySelector('.erase'));
    press(key('sun'));
    press(key('flower'));
    expect(done).toBeNull();
    press(key('cat'));
    expect(done).toEqual(['cat', 'sun', 'flower', 'cat']);
    expect(picturesToPin(done ?? [])).toBe('3193');
    expect(target.querySelectorAll('.slot.filled')).toHaveLength(4);
    // Full: the pictures wait until one is erased.
    expect(key('tree')?.hasAttribute('disabled')).toBe(true);
  });
});
