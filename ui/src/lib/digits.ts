// Digits as people type them: ASCII, Arabic-Indic (٠–٩) or Extended
// Arabic-Indic (۰–۹). The device compares PINs in ASCII form; the UI only
// needs the same rule to count digits and to check a PIN's shape.

const ARABIC_INDIC_ZERO = 0x0660;
const EXTENDED_ARABIC_INDIC_ZERO = 0x06f0;

/** The ASCII value of one digit in any of the three scripts, or null. */
export function digitValue(ch: string): number | null {
  const code = ch.codePointAt(0) ?? -1;
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= ARABIC_INDIC_ZERO && code <= ARABIC_INDIC_ZERO + 9) return code - ARABIC_INDIC_ZERO;
  if (code >= EXTENDED_ARABIC_INDIC_ZERO && code <= EXTENDED_ARABIC_INDIC_ZERO + 9) return code - EXTENDED_ARABIC_INDIC_ZERO;
  return null;
}

/** Replaces Arabic-Indic and Extended Arabic-Indic digits with ASCII ones. */
export function toAsciiDigits(text: string): string {
  let out = '';
  for (const ch of text) {
    const v = digitValue(ch);
    out += v === null ? ch : String(v);
  }
  return out;
}

/** True when every character is a digit in one of the three scripts. */
export function isAllDigits(text: string): boolean {
  if (text === '') return false;
  for (const ch of text) if (digitValue(ch) === null) return false;
  return true;
}

/** A learner PIN: 4–6 digits, any script. */
export function isLearnerPin(text: string): boolean {
  return isAllDigits(text) && [...text].length >= 4 && [...text].length <= 6;
}
