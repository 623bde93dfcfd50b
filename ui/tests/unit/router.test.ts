import { describe, expect, it } from 'vitest';
import { href, isFacilitatorRoute, parseHash, type Route } from '../../src/lib/router.svelte';

describe('hash routes', () => {
  const routes: Route[] = [
    { name: 'library' },
    { name: 'import' },
    { name: 'settings' },
    { name: 'pack', packId: 'org.qalam.numeracy' },
    { name: 'lesson', packId: 'org.qalam.numeracy', lessonId: 'counting' },
    { name: 'lesson', packId: 'a b', lessonId: 'c/d' },
    { name: 'quiz', packId: 'org.qalam.numeracy', quizId: 'money-check' },
    { name: 'progress' },
    { name: 'learners' },
    { name: 'centre' },
  ];
  for (const route of routes) {
    it(`round-trips ${JSON.stringify(route)}`, () => {
      expect(parseHash(href(route))).toEqual(route);
    });
  }
  it('treats unknown or broken hashes as not found, and empty as the library', () => {
    expect(parseHash('')).toEqual({ name: 'library' });
    expect(parseHash('#/')).toEqual({ name: 'library' });
    expect(parseHash('#/nope')).toEqual({ name: 'not-found' });
    expect(parseHash('#/pack/%E0%A4%A')).toEqual({ name: 'not-found' });
    expect(parseHash('#/pack//lesson/x')).toEqual({ name: 'not-found' });
    expect(parseHash('#/pack/p/quiz')).toEqual({ name: 'not-found' });
    expect(parseHash('#/progress/x')).toEqual({ name: 'not-found' });
  });
  it('knows which screens are for facilitators', () => {
    expect(isFacilitatorRoute({ name: 'learners' })).toBe(true);
    expect(isFacilitatorRoute({ name: 'centre' })).toBe(true);
    expect(isFacilitatorRoute({ name: 'import' })).toBe(true);
    expect(isFacilitatorRoute({ name: 'progress' })).toBe(false);
    expect(isFacilitatorRoute({ name: 'quiz', packId: 'p', quizId: 'q' })).toBe(false);
  });
});
