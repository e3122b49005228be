// The real @actions/github Octokit, pointed at the stand-in only through GITHUB_API_URL as on a runner.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { getOctokit as GetOctokit } from '@actions/github';
import { isRetryable } from '@slipway/core';
import { DEFAULT_GITHUB_TOKEN, GITHUB_OPERATIONS, GitHubStandIn } from './github.js';

const READ_ONLY_TOKEN = 'ghs_ForkPullRequestReadOnly000000000000';
const github = new GitHubStandIn({
  tokens: {
    [DEFAULT_GITHUB_TOKEN]: { login: 'github-actions[bot]', access: 'write' },
    [READ_ONLY_TOKEN]: { login: 'github-actions[bot]', access: 'read' },
  },
  repositories: ['acme/shop'],
});
const savedApiUrl = process.env['GITHUB_API_URL'];
let apiUrl: string;
let getOctokit: typeof GetOctokit;
let issueNumber = 100;

beforeAll(async () => {
  apiUrl = await github.start();
  // @actions/github reads GITHUB_API_URL once, when its utils module loads: set it before the first import.
  process.env['GITHUB_API_URL'] = apiUrl;
  ({ getOctokit } = await import('@actions/github'));
});
afterAll(async () => {
  if (savedApiUrl === undefined) delete process.env['GITHUB_API_URL'];
  else process.env['GITHUB_API_URL'] = savedApiUrl;
  await github.stop();
});
afterEach(() => {
  github.clearFaults();
  github.clearJournal();
  issueNumber += 1;
});

async function rejection(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected a rejection');
}

const MINIMIZE = `
  mutation Minimize($id: ID!, $classifier: ReportedContentClassifiers!) {
    minimizeComment(input: { subjectId: $id, classifier: $classifier }) {
      minimizedComment { isMinimized minimizedReason }
    }
  }`;

describe('GitHub stand-in through getOctokit', () => {
  it('is reached through GITHUB_API_URL without a baseUrl option', async () => {
    const octokit = getOctokit(DEFAULT_GITHUB_TOKEN);
    expect(octokit.request.endpoint.DEFAULTS.baseUrl).toBe(apiUrl);
    github.seedComments('acme', 'shop', issueNumber, ['hello']);
    const { data } = await octokit.rest.issues.listComments({
      owner: 'acme',
      repo: 'shop',
      issue_number: issueNumber,
    });
    expect(data.map((comment) => comment.body)).toEqual(['hello']);
    expect(github.journal).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: `/repos/acme/shop/issues/${issueNumber}/comments`,
        operation: GITHUB_OPERATIONS.listComments,
        status: 200,
        headers: expect.objectContaining({ authorization: `token ${DEFAULT_GITHUB_TOKEN}` }),
      }),
    ]);
  });

  it('paginates three pages by following Link rel="next" with octokit.paginate', async () => {
    const seeded = github.seedComments('acme', 'shop', issueNumber, [
      'c1',
      'c2',
      'c3',
      'c4',
      'c5',
      'c6',
      'c7',
    ]);
    const octokit = getOctokit(DEFAULT_GITHUB_TOKEN);
    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: 'acme',
      repo: 'shop',
      issue_number: issueNumber,
      per_page: 3,
    });
    expect(all.map((comment) => comment.id)).toEqual(seeded.map((comment) => comment.id));
    const pages = github.calls(GITHUB_OPERATIONS.listComments);
    const id = github.repositoryId('acme', 'shop');
    expect(pages.map((entry) => [entry.path, entry.query['page']])).toEqual([
      [`/repos/acme/shop/issues/${issueNumber}/comments`, undefined],
      [`/repositories/${id}/issues/${issueNumber}/comments`, '2'],
      [`/repositories/${id}/issues/${issueNumber}/comments`, '3'],
    ]);
  });

  it.each([
    { page: 1, rels: ['next=2', 'last=3'] },
    { page: 2, rels: ['prev=1', 'next=3', 'last=3', 'first=1'] },
    { page: 3, rels: ['prev=2', 'first=1'] },
  ])('page $page of 3 carries Link $rels in GitHub order', async ({ page, rels }) => {
    github.seedComments('acme', 'shop', issueNumber, ['a', 'b', 'c', 'd', 'e']);
    const octokit = getOctokit(DEFAULT_GITHUB_TOKEN);
    const response = await octokit.rest.issues.listComments({
      owner: 'acme',
      repo: 'shop',
      issue_number: issueNumber,
      per_page: 2,
      page,
    });
    const base = `${apiUrl}/repositories/${github.repositoryId('acme', 'shop')}/issues/${issueNumber}/comments`;
    const expected = rels
      .map((rel) => rel.split('='))
      .map(([name, target]) => `<${base}?per_page=2&page=${target}>; rel="${name}"`)
      .join(', ');
    expect(response.headers.link).toBe(expected);
    expect(response.data).toHaveLength(page === 3 ? 1 : 2);
  });

  it('creates, updates and deletes a comment', async () => {
    const octokit = getOctokit(DEFAULT_GITHUB_TOKEN);
    const created = await octokit.rest.issues.createComment({
      owner: 'acme',
      repo: 'shop',
      issue_number: issueNumber,
      body: 'v1',
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      body: 'v1',
      user: { login: 'github-actions[bot]', type: 'Bot' },
      author_association: 'NONE',
      html_url: `https://github.com/acme/shop/issues/${issueNumber}#issuecomment-${created.data.id}`,
    });
    expect(created.data.node_id).toMatch(/^IC_/);
    expect(created.data.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

    github.advance(90_000);
    const updated = await octokit.rest.issues.updateComment({
      owner: 'acme',
      repo: 'shop',
      comment_id: created.data.id,
      body: 'v2',
    });
    expect(updated.data.body).toBe('v2');
    expect(Date.parse(updated.data.updated_at) - Date.parse(updated.data.created_at)).toBeGreaterThanOrEqual(
      89_000,
    );
    expect(github.comments('acme', 'shop', issueNumber).map((comment) => comment.body)).toEqual(['v2']);

    const deleted = await octokit.rest.issues.deleteComment({
      owner: 'acme',
      repo: 'shop',
      comment_id: created.data.id,
    });
    expect(deleted.status).toBe(204);
    expect(github.comments('acme', 'shop', issueNumber)).toEqual([]);
    const gone = await rejection(
      octokit.rest.issues.getComment({ owner: 'acme', repo: 'shop', comment_id: created.data.id }),
    );
    expect(gone).toMatchObject({ name: 'HttpError', status: 404 });
    expect(github.journal.map((entry) => [entry.operation, entry.status])).toEqual([
      [GITHUB_OPERATIONS.createComment, 201],
      [GITHUB_OPERATIONS.updateComment, 200],
      [GITHUB_OPERATIONS.deleteComment, 204],
      [GITHUB_OPERATIONS.getComment, 404],
    ]);
  });

  it.each([
    {
      form: 'variables',
      document: () => MINIMIZE,
      variables: (id: string) => ({ id, classifier: 'OUTDATED' }),
      key: 'minimizeComment',
      reason: 'outdated',
    },
    {
      form: 'an alias and inline literals',
      document: (id: string) =>
        `mutation { hide: minimizeComment(input: {subjectId: "${id}", classifier: OFF_TOPIC}) { minimizedComment { isMinimized minimizedReason } } }`,
      variables: () => ({}),
      key: 'hide',
      reason: 'off-topic',
    },
  ])(
    'minimizes a comment through octokit.graphql with $form',
    async ({ document, variables, key, reason }) => {
      const [comment] = github.seedComments('acme', 'shop', issueNumber, ['stale estimate']);
      const id = comment?.node_id ?? '';
      const octokit = getOctokit(DEFAULT_GITHUB_TOKEN);
      type Payload = Record<string, { minimizedComment: { isMinimized: boolean; minimizedReason: string } }>;
      const result = await octokit.graphql<Payload>(document(id), variables(id));
      expect(result[key]?.minimizedComment).toEqual({ isMinimized: true, minimizedReason: reason });
      expect(github.comments('acme', 'shop', issueNumber)[0]).toMatchObject({
        isMinimized: true,
        minimizedReason: reason,
      });
      expect(github.calls(GITHUB_OPERATIONS.graphql)).toHaveLength(1);
    },
  );

  it('answers NOT_FOUND for an unknown node id as a GraphQL error', async () => {
    const octokit = getOctokit(DEFAULT_GITHUB_TOKEN);
    const error = await rejection(octokit.graphql(MINIMIZE, { id: 'IC_nope', classifier: 'OUTDATED' }));
    expect(error['name']).toBe('GraphqlResponseError');
    expect(error['errors']).toEqual([
      expect.objectContaining({
        type: 'NOT_FOUND',
        message: "Could not resolve to a node with the global id of 'IC_nope'",
      }),
    ]);
  });
});

describe('GitHub errors', () => {
  it('answers 401 Bad credentials to an unknown token', async () => {
    const octokit = getOctokit('ghp_wrong');
    const error = await rejection(
      octokit.rest.issues.listComments({ owner: 'acme', repo: 'shop', issue_number: 1 }),
    );
    expect(error).toMatchObject({
      name: 'HttpError',
      status: 401,
      response: { data: { message: 'Bad credentials' } },
    });
    expect(isRetryable(error)).toBe(false);
  });

  it('accepts a Bearer token as well as `token`', async () => {
    const bearer = await fetch(`${apiUrl}/repos/acme/shop/issues/1/comments`, {
      headers: { authorization: `Bearer ${DEFAULT_GITHUB_TOKEN}` },
    });
    expect(bearer.status).toBe(200);
    const anonymous = await fetch(`${apiUrl}/repos/acme/shop/issues/1/comments`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ message: 'Requires authentication' });
  });

  it('lets a read-only (fork) token read but answers 403 to writes, in REST and GraphQL', async () => {
    const [comment] = github.seedComments('acme', 'shop', issueNumber, ['existing']);
    const octokit = getOctokit(READ_ONLY_TOKEN);
    const { data } = await octokit.rest.issues.listComments({
      owner: 'acme',
      repo: 'shop',
      issue_number: issueNumber,
    });
    expect(data).toHaveLength(1);
    const write = await rejection(
      octokit.rest.issues.createComment({
        owner: 'acme',
        repo: 'shop',
        issue_number: issueNumber,
        body: 'x',
      }),
    );
    expect(write).toMatchObject({
      status: 403,
      response: { data: { message: 'Resource not accessible by integration' } },
    });
    const minimize = await rejection(
      octokit.graphql(MINIMIZE, { id: comment?.node_id, classifier: 'OUTDATED' }),
    );
    expect(minimize['errors']).toEqual([expect.objectContaining({ type: 'FORBIDDEN' })]);
    expect(github.comments('acme', 'shop', issueNumber)).toEqual([
      expect.objectContaining({ body: 'existing', isMinimized: false }),
    ]);
  });

  it.each([
    { case: 'an unknown repository', owner: 'acme', repo: 'nothing' },
    { case: 'an unknown owner', owner: 'nobody', repo: 'shop' },
  ])('answers 404 Not Found for $case', async ({ owner, repo }) => {
    const octokit = getOctokit(DEFAULT_GITHUB_TOKEN);
    const error = await rejection(octokit.rest.issues.listComments({ owner, repo, issue_number: 1 }));
    expect(error).toMatchObject({ status: 404, response: { data: { message: 'Not Found' } } });
  });

  it('answers 422 to a comment without a body', async () => {
    const octokit = getOctokit(DEFAULT_GITHUB_TOKEN);
    const error = await rejection(
      octokit.request(`POST /repos/acme/shop/issues/${issueNumber}/comments`, { title: 'no body here' }),
    );
    expect(error).toMatchObject({
      status: 422,
      response: { data: { message: 'Invalid request.\n\n"body" wasn\'t supplied.' } },
    });
  });

  it.each([
    { label: 'secondary (default)', variant: undefined, status: 403, retryAfter: '60' },
    { label: 'secondary-429', variant: 'secondary-429', status: 429, retryAfter: '60' },
    { label: 'primary', variant: 'primary', status: 403, retryAfter: undefined },
  ])('plays the $label rate limit as HTTP $status', async ({ variant, status, retryAfter }) => {
    github.inject(
      GITHUB_OPERATIONS.listComments,
      variant === undefined ? { kind: 'throttle', times: 1 } : { kind: 'throttle', times: 1, variant },
    );
    const octokit = getOctokit(DEFAULT_GITHUB_TOKEN);
    const error = await rejection(
      octokit.rest.issues.listComments({ owner: 'acme', repo: 'shop', issue_number: 1 }),
    );
    const response = error['response'] as { headers: Record<string, string>; data: { message: string } };
    expect(error['status']).toBe(status);
    expect(response.headers['retry-after']).toBe(retryAfter);
    expect(response.data.message).toMatch(/rate limit/);
    if (variant === 'primary') expect(response.headers['x-ratelimit-remaining']).toBe('0');
    const after = await octokit.rest.issues.listComments({ owner: 'acme', repo: 'shop', issue_number: 1 });
    expect(after.status).toBe(200);
  });

  it.each([500, 502, 503])('a %i reaches Octokit as a retryable HttpError', async (status) => {
    github.inject(GITHUB_OPERATIONS.createComment, { kind: 'http', status, times: 1 });
    const octokit = getOctokit(DEFAULT_GITHUB_TOKEN);
    const error = await rejection(
      octokit.rest.issues.createComment({
        owner: 'acme',
        repo: 'shop',
        issue_number: issueNumber,
        body: 'x',
      }),
    );
    expect(error).toMatchObject({ name: 'HttpError', status });
    expect(isRetryable(error)).toBe(true);
    expect(github.comments('acme', 'shop', issueNumber)).toEqual([]);
  });
});
