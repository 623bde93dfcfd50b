// Who is signed in on this window: the profile's name and role, or null.
// Refreshed from `session_info` at start; cleared on sign-out and whenever
// any command answers `unauthenticated` (the session expired or ended).
import { ApiError, api, holdsSessionToken, onUnauthenticated, type Role, type SignedIn } from '../platform';

export interface SessionProfile {
  learnerId: string;
  name: string;
  role: Role;
}

let profile = $state<SessionProfile | null>(null);
/** false until the first `session_info` has answered (or failed). */
let checked = $state(false);

function fromSession(s: SignedIn): SessionProfile {
  return { learnerId: s.learner_id, name: s.name, role: s.role };
}

export const session = {
  get profile(): SessionProfile | null {
    return profile;
  },
  get checked(): boolean {
    return checked;
  },
  get isFacilitator(): boolean {
    return profile?.role === 'facilitator';
  },
};

let unlisten: (() => void) | null = null;

/** Starts listening for `unauthenticated` and asks the device who is signed in. */
export async function initSession(): Promise<void> {
  unlisten ??= onUnauthenticated(() => {
    profile = null;
  });
  await refreshSession();
}

export async function refreshSession(): Promise<void> {
  if (holdsSessionToken() === false) {
    // Over HTTP without a token nobody is signed in: asking would only 401.
    profile = null;
    checked = true;
    return;
  }
  try {
    profile = fromSession(await api.sessionInfo());
  } catch (err) {
    // `unauthenticated` means nobody is signed in; a device that cannot be
    // reached leaves whoever we knew of (the next call will tell).
    if (!(err instanceof ApiError) || err.code !== 'unavailable') profile = null;
  } finally {
    checked = true;
  }
}

/** Signs in; rejects with the ApiError (`wrong_pin`, `slow_down`, …). */
export async function signIn(learnerId: string, pin?: string | null): Promise<SessionProfile> {
  const signed = fromSession(await api.signIn(learnerId, pin));
  profile = signed;
  checked = true;
  return signed;
}

export async function signOut(): Promise<void> {
  try {
    await api.signOut();
  } finally {
    profile = null;
  }
}

/** For tests. */
export function resetSession(): void {
  profile = null;
  checked = false;
  unlisten?.();
  unlisten = null;
}
