/** Names of the state main saves for the post step. */

/** The stable version main read before it moved any traffic. */
export const STABLE_STATE = 'stable';
/** `true` once main ended where it meant to (promoted, rolled back, or paused by `start`). */
export const SETTLED_STATE = 'settled';
/** Set by main at once: the same bundle runs as the post step when it sees it. */
export const IS_POST_STATE = 'isPost';
