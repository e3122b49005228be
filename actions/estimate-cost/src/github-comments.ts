/**
 * {@link CommentApi} over Octokit. `@actions/github` is imported here, dynamically, only when a pull request's
 * comments are actually read or written: runs that stop earlier (bad input, no pull request, `comment: off`)
 * never load it.
 */
import { retry } from '@slipway/core';
import type { CommentApi } from './comments.js';

/** Where the comments live. */
export interface CommentTarget {
  token: string;
  owner: string;
  repo: string;
  issueNumber: number;
}

const ATTEMPTS = 4;

/** A comment API for one pull request, using `GITHUB_API_URL` like every `@actions/github` client. */
export async function githubComments(target: CommentTarget): Promise<CommentApi> {
  const { getOctokit } = await import('@actions/github');
  const octokit = getOctokit(target.token);
  const where = { owner: target.owner, repo: target.repo };
  const call = <T>(fn: () => Promise<T>) => retry(fn, { maxAttempts: ATTEMPTS });
  return {
    async list() {
      const comments = await call(() =>
        octokit.paginate(octokit.rest.issues.listComments, {
          ...where,
          issue_number: target.issueNumber,
          per_page: 100,
        }),
      );
      return comments.map((c) => ({ id: c.id, body: c.body ?? '' }));
    },
    async create(body) {
      const { data } = await call(() =>
        octokit.rest.issues.createComment({ ...where, issue_number: target.issueNumber, body }),
      );
      return { id: data.id, url: data.html_url };
    },
    async update(id, body) {
      const { data } = await call(() =>
        octokit.rest.issues.updateComment({ ...where, comment_id: id, body }),
      );
      return { id: data.id, url: data.html_url };
    },
    async remove(id) {
      await call(() => octokit.rest.issues.deleteComment({ ...where, comment_id: id }));
    },
  };
}
