import { beforeEach, describe, expect, it, vi } from 'vitest';

type I18n = typeof import('../../src/i18n/index.svelte');

async function freshI18n(): Promise<I18n> {
  vi.resetModules();
  return import('../../src/i18n/index.svelte');
}

const strip = (s: string) => s.replace(/[\u2068\u2069]/g, '');

beforeEach(() => {
  localStorage.clear();
  document.documentElement.removeAttribute('lang');
  document.documentElement.removeAttribute('dir');
});

describe('language and direction', () => {
  it('sets <html lang dir> and remembers the choice', async () => {
    const i18n = await freshI18n();
    i18n.setLocale('ar');
    expect(document.documentElement.lang).toBe('ar');
    expect(document.documentElement.dir).toBe('rtl');
    expect(localStorage.getItem(i18n.STORAGE_KEY)).toBe('ar');
    expect(i18n.i18n.dir).toBe('rtl');
    expect(i18n.t('library-title')).toBe('المكتبة');

    i18n.setLocale('fa-AF');
    expect(document.documentElement.lang).toBe('fa-AF');
    expect(document.documentElement.dir).toBe('rtl');
    expect(i18n.t('nav-settings')).toBe('تنظیمات');

    i18n.setLocale('fr');
    expect(document.documentElement.dir).toBe('ltr');
    expect(i18n.t('library-title')).toBe('Bibliothèque');

    i18n.setLocale('en');
    expect(document.documentElement.lang).toBe('en');
    expect(document.documentElement.dir).toBe('ltr');
    expect(i18n.t('library-title')).toBe('Library');
  });

  it('starts in the stored language after a reload', async () => {
    localStorage.setItem('qalam.locale', 'ar');
    const i18n = await freshI18n();
    expect(i18n.initLocale()).toBe('ar');
    expect(document.documentElement.dir).toBe('rtl');
    expect(document.documentElement.lang).toBe('ar');
  });

  it('ignores a stored value that is not a UI language', async () => {
    localStorage.setItem('qalam.locale', 'xx-evil');
    const i18n = await freshI18n();
    expect(i18n.isLocale(i18n.initLocale())).toBe(true);
  });

  it('knows which languages are written right to left', async () => {
    const { dirOf } = await freshI18n();
    for (const tag of ['ar', 'ar-SY', 'fa', 'fa-AF', 'ps', 'ps-AF', 'prs', 'ur']) expect(dirOf(tag)).toBe('rtl');
    for (const tag of ['en', 'fr', 'fr-FR', 'so', 'ti', 'uk', 'tr']) expect(dirOf(tag)).toBe('ltr');
  });

  it('falls back to English for a message a language lacks, then to the id', async () => {
    const i18n = await freshI18n();
    i18n.setLocale('fr');
    expect(i18n.t('no-such-message')).toBe('no-such-message');
    expect(i18n.hasMessage('library-title')).toBe(true);
  });

  it('uses all six Arabic plural forms and Arabic-Indic digits', async () => {
    const i18n = await freshI18n();
    i18n.setLocale('ar');
    const forms = [0, 1, 2, 3, 11, 100].map((count) => strip(i18n.t('pack-lessons', { count })));
    expect(forms).toEqual(['لا دروس', 'درس واحد', 'درسان', '٣ دروس', '١١ درسًا', '١٠٠ درس']);
    expect(new Set(forms).size).toBe(6);
  });

  it('formats sizes and percentages with the locale', async () => {
    const i18n = await freshI18n();
    i18n.setLocale('en');
    expect(i18n.formatBytes(1_500_000)).toBe('1.5 MB');
    expect(i18n.formatBytes(400)).toBe('0.4 kB');
    expect(i18n.formatBytes(2_345_678_901)).toBe('2.3 GB');
    expect(i18n.formatPercent(0.42)).toBe('42%');
    i18n.setLocale('ar');
    expect(i18n.formatBytes(1_500_000)).toMatch(/١٫٥/);
    expect(i18n.formatPercent(0.5)).toMatch(/٥٠/);
    i18n.setLocale('fa-AF');
    expect(i18n.formatNumber(12)).toBe('۱۲');
  });

  it('negotiates the first visit from the browser languages', async () => {
    const { negotiate } = await freshI18n();
    expect(negotiate(['ar-SY', 'en'])).toBe('ar');
    expect(negotiate(['prs'])).toBe('fa-AF');
    expect(negotiate(['fa-AF'])).toBe('fa-AF');
    expect(negotiate(['fr-CA'])).toBe('fr');
    expect(negotiate(['de'])).toBe('en');
    expect(negotiate([])).toBe('en');
  });
});
