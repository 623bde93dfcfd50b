// How a profile signs in, as the facilitator's screen names it.
import type { LearnerSummary } from '../platform';
import { signInMethod } from './pictures';

export type SecretKind = 'none' | 'pin' | 'pictures';

export function secretKind(learner: Pick<LearnerSummary, 'has_pin' | 'sign_in_with'>): SecretKind {
  return signInMethod(learner);
}
