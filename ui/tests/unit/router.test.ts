import { describe, expect, it } from 'vitest';
import { href, parseHash, type Route } from '../../src/lib/router.svelte';

describe('hash routes', () => {
  const routes: Route[] = [
    { name: 'library' },
    { name: 'import' },
    { name: 'settings' },
    { name: 'pack', packId: 'org.qalam.numeracy' },
    { name: 'lesson', packId: 'org.qalam.numeracy', lessonId: 'counting' },
    { name: 'lesson', packId: 'a b', lessonId: 'c/d' },
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
  });
});
