/**
 * Entries awaiting their fix, per stack: KNOWN, NOT YET FIXED.
 *
 * Each line is a real deploy failure the catalogue finds today whose fix belongs to a change
 * scheduled after the catalogue landed (the issue and item are named). `npm run plan` prints
 * these as known instead of failing, and fails again the moment an entry stops firing on a
 * listed stack (so the list can only shrink: remove the stack when you fix it). A test keeps
 * this list exact against the shipped stacks. Never add to it to make a new violation pass:
 * fix the violation, or, if the entry is wrong, fix the entry with its source.
 */
export const PENDING: Readonly<Record<string, readonly string[]>> = {
};
