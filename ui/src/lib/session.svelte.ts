// Who is signed in on this window: the profile's name and role, or null.
// Refreshed from `session_info` at start; cleared on sign-out and whenever
// any command answers `unauthenticated` (the session expired or ended).
import { ApiError, api, holdsSessionToken, onUnauthenticated, type Role, type SignedIn } from '../platform';

export interface SessionProfile {
  learnerId: string;
  name: string;
  avatar: string;
  /** the profile's own UI language (BCP 47) */
  language: string;
  role: Role;
  /** the device ends the session after this long without a call */
  idleTimeoutS: number;
}

/** The device's default when it does not say (docs/API.md: 15 minutes). */
export const DEFAULT_IDLE_S = 900;

let profile = $state<SessionProfile | null>(null);
/** Why the last session ended without the person asking: shown on the picker. */
let endedBy = $state<'idle' | 'expired' | null>(null);
/** false until the first `session_info` has answered (or failed). */
let checked = $state(false);
/** false when the device has no profile at all (a fresh install): then the
 *  library can be browsed without signing in, and nothing is recorded. */
let anyProfiles = $state<boolean | null>(null);

function fromSession(s: SignedIn): SessionProfile {
  return {
    learnerId: s.learner_id,
    name: s.name,
    avatar: s.avatar ?? '',
    language: s.language ?? '',
    role: s.role,
    idleTimeoutS: typeof s.idle_timeout_s === 'number' && s.idle_timeout_s > 0 ? s.idle_timeout_s : DEFAULT_IDLE_S,
  };
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
  get isLearner(): boolean {
    return profile?.role === 'learner';
  },
  get endedBy(): 'idle' | 'expired' | null {
    return endedBy;
  },
  /** Nobody can sign in because the device has no profiles yet. */
  get noProfiles(): boolean {
    return anyProfiles === false;
  },
};

/** Asks whether the device has any profile to sign in with. */
async function checkProfiles(): Promise<void> {
  try {
    anyProfiles = (await api.profilesForPicker()).length > 0;
  } catch {
    anyProfiles = null; // unknown: the picker shows the problem
  }
}

/** Forgets the notice about why the last session ended. */
export function clearEndedBy(): void {
  endedBy = null;
}

let unlisten: (() => void) | null = null;

/** Starts listening for `unauthenticated` and asks the device who is signed in. */
export async function initSession(): Promise<void> {
  unlisten ??= onUnauthenticated(() => {
    if (profile) endedBy = 'expired';
    profile = null;
  });
  await refreshSession();
}

export async function refreshSession(): Promise<void> {
  if (holdsSessionToken() === false) {
    // Over HTTP without a token nobody is signed in: asking would only 401.
    profile = null;
    await checkProfiles();
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
    if (!profile) await checkProfiles();
    checked = true;
  }
}

/** Signs in; rejects with the ApiError (`wrong_pin`, `slow_down`, …). */
export async function signIn(learnerId: string, pin?: string | null): Promise<SessionProfile> {
  const signed = fromSession(await api.signIn(learnerId, pin));
  profile = signed;
  anyProfiles = true;
  endedBy = null;
  checked = true;
  return signed;
}

type Flush = () => Promise<unknown>;
const flushes = new Set<Flush>();

/** Work to save before the session ends (a lesson's last measured time).
 *  Returns a function that removes it. */
export function beforeSignOut(flush: Flush): () => void {
  flushes.add(flush);
  return () => flushes.delete(flush);
}

async function flushAll(): Promise<void> {
  const pending = [...flushes].map((f) => f().catch(() => undefined));
  // Never hold the sign-out for long: the device answers fast or not at all.
  await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, 3000))]);
}

export async function signOut(reason: 'idle' | null = null): Promise<void> {
  try {
    await flushAll();
    await api.signOut();
  } finally {
    profile = null;
    endedBy = reason;
  }
}

/** For tests. */
export function resetSession(): void {
  profile = null;
  checked = false;
  anyProfiles = null;
  endedBy = null;
  unlisten?.();
  unlisten = null;
}
