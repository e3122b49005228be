/**
 * The pull-request comment: which operations each `comment` mode performs (pure), and carrying them out
 * through a small {@link CommentApi}, so that only that API touches GitHub.
 */
import { COMMENT_MARKER } from '@slipway/pricing';
import type { CommentMode } from './inputs.js';

/** A comment on the pull request, as listed. */
export interface ExistingComment {
  id: number;
  body: string;
}

/** The GitHub calls the action makes on one pull request's comments. */
export interface CommentApi {
  list(): Promise<ExistingComment[]>;
  create(body: string): Promise<{ id: number; url: string }>;
  update(id: number, body: string): Promise<{ id: number; url: string }>;
  remove(id: number): Promise<void>;
}

/** One step of carrying out a comment mode. */
export type CommentOperation =
  { op: 'create'; body: string } | { op: 'update'; id: number; body: string } | { op: 'delete'; id: number };

/** Whether a comment is one of ours: it starts with the hidden marker. */
export function isOurComment(body: string): boolean {
  return body.trimStart().startsWith(COMMENT_MARKER);
}

/**
 * The operations a mode asks for, given the comments already on the pull request. `update` edits the newest of
 * ours (or posts one; nothing when it already says the same), `new` always posts, `delete-and-new` deletes all of
 * ours then posts, `off` does nothing.
 */
export function planComment(
  mode: CommentMode,
  existing: readonly ExistingComment[],
  body: string,
): CommentOperation[] {
  const ours = existing.filter((c) => isOurComment(c.body)).sort((a, b) => a.id - b.id);
  switch (mode) {
    case 'off':
      return [];
    case 'new':
      return [{ op: 'create', body }];
    case 'delete-and-new':
      return [...ours.map((c): CommentOperation => ({ op: 'delete', id: c.id })), { op: 'create', body }];
    case 'update': {
      const latest = ours.at(-1);
      if (!latest) return [{ op: 'create', body }];
      return latest.body === body ? [] : [{ op: 'update', id: latest.id, body }];
    }
  }
}

/** What applying the operations did. */
export interface CommentResult {
  /** The comment that now holds the estimate, when one was written or already said the same. */
  comment: { id: number; url: string } | undefined;
  deleted: number[];
}

/** Carries out the operations in order. */
export async function applyComment(
  api: CommentApi,
  operations: readonly CommentOperation[],
): Promise<CommentResult> {
  const result: CommentResult = { comment: undefined, deleted: [] };
  for (const step of operations) {
    if (step.op === 'delete') {
      await api.remove(step.id);
      result.deleted.push(step.id);
    } else if (step.op === 'create') {
      result.comment = await api.create(step.body);
    } else {
      result.comment = await api.update(step.id, step.body);
    }
  }
  return result;
}

/**
 * Whether an error means the token may read but not write the pull request: a fork's `GITHUB_TOKEN` on
 * `pull_request`, or a workflow without `pull-requests: write`. GitHub answers 403 "Resource not accessible by
 * integration".
 */
export function isReadOnlyTokenError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const status = (e as { status?: unknown }).status;
  return status === 403;
}
