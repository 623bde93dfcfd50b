import { describe, expect, it } from 'vitest';
import { isAnswerReady, looksNumeric, toAnswer } from '../../src/lib/quiz';
import { minutesOf, positionOfMedia } from '../../src/lib/study';
import { gridMove } from '../../src/lib/grid';
import { centreRows } from '../../src/lib/centre';
import { lessonStatus } from '../../src/lib/progress';
import { avatarColour, avatarId, initialOf } from '../../src/lib/avatars';
import type { PackSummary, Progress } from '../../src/platform';

describe('quiz answers', () => {
  const empty = { single: '', multiple: [], text: '' };
  it('numeric answers accept Arabic digits and separators', () => {
    expect(looksNumeric('١٢')).toBe(true);
    expect(looksNumeric('۳٫۵')).toBe(true);
    expect(looksNumeric('1,5')).toBe(true);
    expect(looksNumeric('-2')).toBe(true);
    expect(looksNumeric('12a')).toBe(false);
    expect(looksNumeric('1.2.3')).toBe(false);
    expect(toAnswer('numeric', { ...empty, text: ' ١٬٢٥٠ ' })).toBe('١٢٥٠');
    expect(toAnswer('numeric', { ...empty, text: '2,5' })).toBe('2.5');
  });
  it('builds the answer shape for each type', () => {
    expect(toAnswer('single_choice', { ...empty, single: 'b' })).toBe('b');
    expect(toAnswer('multiple_choice', { ...empty, multiple: ['a', 'c'] })).toEqual(['a', 'c']);
    expect(toAnswer('short_text', { ...empty, text: '  hello ' })).toBe('hello');
    expect(toAnswer('short_text', empty)).toBeNull();
    expect(isAnswerReady('multiple_choice', empty)).toBe(false);
  });
});

describe('lesson position and time', () => {
  it('media position in 1/10,000', () => {
    expect(positionOfMedia(30, 60)).toBe(5000);
    expect(positionOfMedia(61, 60)).toBe(10000);
    expect(positionOfMedia(1, Number.NaN)).toBeNull();
  });
  it('minutes round up a started minute', () => {
    expect(minutesOf(0)).toBe(0);
    expect(minutesOf(61)).toBe(2);
    expect(minutesOf(240)).toBe(4);
  });
  it('lesson status for the learner', () => {
    const base = { opened: true, completed: false, position: 0, completion: { kind: 'viewed' as const, min_seconds: null }, quiz: null };
    expect(lessonStatus({ ...base, opened: false })).toBe('todo');
    expect(lessonStatus(base)).toBe('started');
    expect(lessonStatus({ ...base, completed: true })).toBe('done');
    expect(
      lessonStatus({
        ...base,
        position: 10000,
        completion: { kind: 'quiz_mastered', min_seconds: null },
        quiz: { quiz_id: 'q', attempts: 1, best_score: 50, mastered: false },
      }),
    ).toBe('quiz');
  });
});

describe('arrow keys in the profile grid', () => {
  // Three per row, 100 px apart.
  const box = (i: number) => ({ getBoundingClientRect: () => ({ left: (i % 3) * 100, top: Math.floor(i / 3) * 100, width: 90, height: 90 }) });
  const items = Array.from({ length: 7 }, (_, i) => box(i));
  it('left and right follow the reading direction', () => {
    expect(gridMove(items, 1, 'ArrowRight', 'ltr')).toBe(2);
    expect(gridMove(items, 1, 'ArrowRight', 'rtl')).toBe(0);
    expect(gridMove(items, 0, 'ArrowLeft', 'ltr')).toBe(0);
    expect(gridMove(items, 6, 'ArrowRight', 'ltr')).toBe(6);
  });
  it('up and down go to the same column', () => {
    expect(gridMove(items, 1, 'ArrowDown', 'ltr')).toBe(4);
    expect(gridMove(items, 4, 'ArrowUp', 'ltr')).toBe(1);
    expect(gridMove(items, 5, 'ArrowDown', 'ltr')).toBe(6);
    expect(gridMove(items, 6, 'ArrowDown', 'ltr')).toBe(6);
    expect(gridMove(items, 2, 'Home', 'ltr')).toBe(0);
    expect(gridMove(items, 2, 'Tab', 'ltr')).toBeNull();
  });
});

describe('centre progress rows', () => {
  const progress: Progress = {
    learners: [
      { id: 'b', name: 'Zaid', role: 'learner', archived: false, courses: [] },
      {
        id: 'a',
        name: 'Amal',
        role: 'learner',
        archived: false,
        courses: [
          {
            pack: 'p1',
            completed: false,
            lessons: [
              { lesson: 'l1', opened: true, completed: true, position: 10000, active_seconds: 120 },
              { lesson: 'l2', opened: true, completed: false, position: 300, active_seconds: 60 },
            ],
            quizzes: [{ quiz: 'q', attempts: 2, answers: 6, questions_correct: 3, best_score: 75, last_score: 50, mastered: false }],
          },
        ],
      },
      { id: 'c', name: 'Old', role: 'learner', archived: true, courses: [] },
    ],
  };
  const packs = [{ id: 'p1', lesson_count: 4, title: { text: 'Numbers', lang: 'en', dir: 'ltr' } }] as unknown as PackSummary[];
  it('one row per learner and course, archived ones only on request', () => {
    const rows = centreRows(progress, packs, false);
    expect(rows.map((r) => r.name)).toEqual(['Amal', 'Zaid']);
    expect(rows[0]).toMatchObject({ lessonsDone: 1, lessonTotal: 4, seconds: 180, quizzesTried: 1, quizzesMastered: 0, bestScore: 75 });
    expect(rows[1]).toMatchObject({ pack: null });
    expect(centreRows(progress, packs, true)).toHaveLength(3);
  });
});

describe('avatars', () => {
  it('named colours and a stable colour for other ids', () => {
    expect(avatarColour(avatarId('green')).id).toBe('green');
    expect(avatarColour('animal-3')).toEqual(avatarColour('animal-3'));
    expect(avatarColour('', 'Amal')).toEqual(avatarColour('', 'Amal'));
  });
  it('the first letter of a name', () => {
    expect(initialOf('amal')).toBe('A');
    expect(initialOf('  أمينة')).toBe('أ');
    expect(initialOf('')).toBe('?');
  });
});
