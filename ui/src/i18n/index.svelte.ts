import { FluentBundle, FluentResource, type FluentVariable } from '@fluent/bundle';
import { DEFAULT_LOCALE, dirOf, intlLocale, isLocale, negotiate, type Locale } from './locales';

export { LOCALES, LOCALE_NAMES, dirOf, intlLocale, isLocale, negotiate, type Locale } from './locales';

export const STORAGE_KEY = 'qalam.locale';

// Every locale's .ftl is bundled: the app never fetches anything at run time.
const sources = import.meta.glob('../../locales/*/main.ftl', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

function sourceOf(locale: Locale): string {
  return sources[`../../locales/${locale}/main.ftl`] ?? '';
}

const bundles = new Map<Locale, FluentBundle>();

function bundleOf(locale: Locale): FluentBundle {
  let bundle = bundles.get(locale);
  if (!bundle) {
    // Isolation marks (FSI/PDI) stay on: they keep pack titles and numbers
    // from reordering the sentence around them in RTL text.
    bundle = new FluentBundle(intlLocale(locale), { useIsolating: true });
    const errors = bundle.addResource(new FluentResource(sourceOf(locale)));
    if (errors.length && import.meta.env.DEV) console.warn(`[i18n] ${locale}:`, errors);
    bundles.set(locale, bundle);
  }
  return bundle;
}

function chain(locale: Locale): FluentBundle[] {
  return locale === DEFAULT_LOCALE ? [bundleOf(locale)] : [bundleOf(locale), bundleOf(DEFAULT_LOCALE)];
}

function storedLocale(): Locale | null {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLocale(value) ? value : null;
  } catch {
    return null;
  }
}

function initialLocale(): Locale {
  const stored = storedLocale();
  if (stored) return stored;
  const nav = globalThis.navigator;
  const requested = nav?.languages?.length ? [...nav.languages] : nav?.language ? [nav.language] : [];
  return negotiate(requested);
}

let current = $state<Locale>(initialLocale());

/** The current UI locale, reactive in components. */
export const i18n = {
  get locale(): Locale {
    return current;
  },
  get dir(): 'ltr' | 'rtl' {
    return dirOf(current);
  },
};

function applyToDocument(locale: Locale): void {
  const root = globalThis.document?.documentElement;
  if (!root) return;
  root.lang = locale;
  root.dir = dirOf(locale);
}

/** Switches the UI language, remembers it (unless `remember` is false:
 *  a signed-in learner's own language), and sets `<html lang dir>`. */
export function setLocale(locale: Locale, remember = true): void {
  current = locale;
  if (remember) {
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, locale);
    } catch {
      /* private mode or storage full: the choice lasts for this visit */
    }
  }
  applyToDocument(locale);
}

/** The laptop's own language: the remembered choice, else the browser's. */
export function deviceLocale(): Locale {
  return initialLocale();
}

/** Re-reads the stored choice (used at start-up and by tests). */
export function initLocale(): Locale {
  current = initialLocale();
  applyToDocument(current);
  return current;
}

/** Translates a message id, falling back to English, then to the id itself. */
export function t(id: string, args?: Record<string, FluentVariable>): string {
  for (const bundle of chain(current)) {
    const message = bundle.getMessage(id);
    if (message?.value) {
      const errors: Error[] = [];
      const text = bundle.formatPattern(message.value, args, errors);
      if (errors.length && import.meta.env.DEV) console.warn(`[i18n] ${id}:`, errors);
      return text;
    }
  }
  if (import.meta.env.DEV) console.warn(`[i18n] missing message: ${id}`);
  return id;
}

/** True when a message exists in the current locale or in English. */
export function hasMessage(id: string): boolean {
  return chain(current).some((b) => b.hasMessage(id));
}

// ---------------------------------------------------------------- numbers

export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(intlLocale(current), options).format(value);
}

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
const BYTE_FALLBACK = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

/** A size in bytes for people: SI units (1 MB = 1,000,000 bytes), local digits. */
export function formatBytes(bytes: number, locale: Locale = current): string {
  const tag = intlLocale(locale);
  // Never below kB: "0.4 kB" reads better than "400 byte".
  let value = Math.max(0, bytes) / 1000;
  let unit = 1;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const maximumFractionDigits = value >= 10 ? 0 : 1;
  try {
    return new Intl.NumberFormat(tag, {
      style: 'unit',
      unit: BYTE_UNITS[unit],
      unitDisplay: 'short',
      maximumFractionDigits,
    }).format(value);
  } catch {
    return `${new Intl.NumberFormat(tag, { maximumFractionDigits }).format(value)} ${BYTE_FALLBACK[unit]}`;
  }
}

export function formatPercent(fraction: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  return new Intl.NumberFormat(intlLocale(current), { style: 'percent', maximumFractionDigits: 0 }).format(clamped);
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(intlLocale(current), { dateStyle: 'medium' }).format(date);
}

