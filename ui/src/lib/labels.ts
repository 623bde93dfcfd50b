import { hasMessage, t } from '../i18n/index.svelte';
import type { IconName } from '../components/Icon.svelte';
import type { ImportOutcome, LessonKind } from '../platform';

/** A pack's subject tag in words, or the tag itself when it is not a known one. */
export function subjectLabel(subject: string): string {
  const id = `subject-${subject}`;
  return hasMessage(id) ? t(id) : subject;
}

/** A pack's level in words; CEFR levels (A1…C2) and unknown tags stay as they are. */
export function levelLabel(level: string): string {
  const id = `level-${level}`;
  return hasMessage(id) ? t(id) : level;
}

export const KIND_ICON: Record<LessonKind, IconName> = {
  html: 'reading',
  markdown: 'reading',
  pdf: 'pdf',
  video: 'video',
  audio: 'audio',
};

export const OUTCOME_ICON: Record<ImportOutcome, IconName> = {
  installed: 'installed',
  updated: 'updated',
  unchanged: 'unchanged',
  refused: 'refused',
  interrupted: 'interrupted',
};
