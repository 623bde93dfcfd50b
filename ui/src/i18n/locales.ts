import { negotiateLanguages } from '@fluent/langneg';

/** UI locales that ship a main.ftl. English is complete and the fallback. */
export const LOCALES = ['en', 'ar', 'fr', 'fa-AF'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** Each language named in itself, for the switcher. */
export const LOCALE_NAMES: Record<Locale, string> = {
  en: 'English',
  ar: 'العربية',
  fr: 'Français',
  'fa-AF': 'دری',
};

/** Scripts written right to left (primary language subtags). */
const RTL_LANGUAGES = new Set(['ar', 'fa', 'ps', 'ur', 'he', 'yi', 'ckb', 'dv', 'sd', 'ug', 'prs']);

/**
 * The tag given to Intl and Fluent for a UI locale. CLDR now defaults plain
 * `ar` to Latin digits; learners from Syria, Iraq and Sudan read Arabic-Indic
 * digits (٠١٢٣), and schoolbooks there use them, so Arabic asks for them.
 * Dari (fa-AF) already uses Extended Arabic-Indic digits (۰۱۲۳).
 */
export function intlLocale(locale: Locale): string {
  return locale === 'ar' ? 'ar-u-nu-arab' : locale;
}

export function dirOf(tag: string): 'ltr' | 'rtl' {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return RTL_LANGUAGES.has(primary) ? 'rtl' : 'ltr';
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Best UI locale for the languages a browser asks for. Dari (`prs`, `fa`) maps to fa-AF. */
export function negotiate(requested: readonly string[]): Locale {
  const mapped = requested.map((tag) => (/^prs\b/i.test(tag) ? 'fa-AF' : tag));
  const [best] = negotiateLanguages(mapped, LOCALES as unknown as string[], {
    defaultLocale: DEFAULT_LOCALE,
    strategy: 'lookup',
  });
  return isLocale(best) ? best : DEFAULT_LOCALE;
}
