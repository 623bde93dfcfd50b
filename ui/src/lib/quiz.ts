// Turning what the learner typed or picked into the `answer` of quiz_answer.
import type { QuestionType, QuizAnswer } from '../platform';
import { digitValue } from './digits';

export interface AnswerDraft {
  single: string;
  multiple: string[];
  text: string;
}

/** A numeric answer as typed: digits in any script, `.` or `٫` or `,` as the
 *  decimal separator, `٬` and spaces as group separators, a leading minus.
 *  It goes to the device as text; the device parses it the same way. */
export function looksNumeric(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === '') return false;
  let digits = 0;
  let separators = 0;
  let i = 0;
  for (const ch of trimmed) {
    if (digitValue(ch) !== null) digits += 1;
    else if (ch === '.' || ch === '٫' || ch === ',') separators += 1;
    else if (ch === '٬' || ch === ' ' || ch === '\u00a0') {
      /* grouping */
    } else if ((ch === '-' || ch === '−') && i === 0) {
      /* sign */
    } else return false;
    i += 1;
  }
  return digits > 0 && separators <= 1;
}

export function isAnswerReady(type: QuestionType, draft: AnswerDraft): boolean {
  switch (type) {
    case 'single_choice':
      return draft.single !== '';
    case 'multiple_choice':
      return draft.multiple.length > 0;
    case 'numeric':
      return looksNumeric(draft.text);
    case 'short_text':
      return draft.text.trim() !== '';
  }
}

/** The answer to send, or null when there is none yet. */
export function toAnswer(type: QuestionType, draft: AnswerDraft): QuizAnswer | null {
  if (!isAnswerReady(type, draft)) return null;
  switch (type) {
    case 'single_choice':
      return draft.single;
    case 'multiple_choice':
      return [...draft.multiple];
    case 'numeric':
      // A comma is the decimal separator in French; the device reads `.`.
      return draft.text
        .trim()
        .replace(/[\s\u00a0٬]/g, '')
        .replace(',', '.')
        .replace('−', '-');
    case 'short_text':
      return draft.text.trim();
  }
}
