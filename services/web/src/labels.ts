/**
 * Names of the domain's codes (steps, kinds, roles) in the users' two languages, from the glossary
 * (`shared/domain/glossary-vi.md`). They live in `@ntm/domain` (`names.ts`), shared with the notifications' mails.
 */
import { ROLE_NAMES } from '@ntm/domain';

export { STEP_NAMES, KIND_NAMES, ROLE_NAMES, nameOf } from '@ntm/domain';

/** Every role, in the domain's order. */
export const ROLE_CODES = Object.keys(ROLE_NAMES);
