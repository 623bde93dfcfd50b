// Hash routing: works from a file, from `qalam serve` and under Tauri, and
// the browser's back button just works.

export type Route =
  | { name: 'library' }
  | { name: 'pack'; packId: string }
  | { name: 'lesson'; packId: string; lessonId: string }
  | { name: 'quiz'; packId: string; quizId: string }
  | { name: 'progress' }
  | { name: 'import' }
  | { name: 'settings' }
  | { name: 'learners' }
  | { name: 'centre' }
  | { name: 'not-found' };

/** Screens only a signed-in facilitator may use. */
export const FACILITATOR_ROUTES = ['import', 'settings', 'learners', 'centre'] as const;
export type FacilitatorRouteName = (typeof FACILITATOR_ROUTES)[number];

export function isFacilitatorRoute(route: Route): route is Route & { name: FacilitatorRouteName } {
  return (FACILITATOR_ROUTES as readonly string[]).includes(route.name);
}

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '').replace(/\/+$/, '');
  if (path === '' || path === 'library') return { name: 'library' };
  const parts = path.split('/').map(decode);
  if (parts.some((p) => p === null || p === '')) return { name: 'not-found' };
  const [a, b, c, d] = parts as string[];
  if (a === 'import' && parts.length === 1) return { name: 'import' };
  if (a === 'settings' && parts.length === 1) return { name: 'settings' };
  if (a === 'learners' && parts.length === 1) return { name: 'learners' };
  if (a === 'centre' && parts.length === 1) return { name: 'centre' };
  if (a === 'progress' && parts.length === 1) return { name: 'progress' };
  if (a === 'pack' && b && c === 'quiz' && d && parts.length === 4) return { name: 'quiz', packId: b, quizId: d };
  if (a === 'pack' && b && parts.length === 2) return { name: 'pack', packId: b };
  if (a === 'pack' && b && c === 'lesson' && d && parts.length === 4) {
    return { name: 'lesson', packId: b, lessonId: d };
  }
  return { name: 'not-found' };
}

export function href(route: Route): string {
  switch (route.name) {
    case 'library':
      return '#/';
    case 'import':
      return '#/import';
    case 'settings':
      return '#/settings';
    case 'learners':
      return '#/learners';
    case 'centre':
      return '#/centre';
    case 'progress':
      return '#/progress';
    case 'quiz':
      return `#/pack/${encodeURIComponent(route.packId)}/quiz/${encodeURIComponent(route.quizId)}`;
    case 'pack':
      return `#/pack/${encodeURIComponent(route.packId)}`;
    case 'lesson':
      return `#/pack/${encodeURIComponent(route.packId)}/lesson/${encodeURIComponent(route.lessonId)}`;
    case 'not-found':
      return '#/';
  }
}

let current = $state<Route>(parseHash(globalThis.location?.hash ?? ''));

globalThis.addEventListener?.('hashchange', () => {
  current = parseHash(globalThis.location.hash);
});

export const router = {
  get route(): Route {
    return current;
  },
};

export function navigate(route: Route): void {
  globalThis.location.hash = href(route);
}
