// GitHub's REST API for issue comments and the GraphQL `minimizeComment` mutation, reached the way the actions
// reach github.com: `getOctokit(token)` reads GITHUB_API_URL. Shapes and headers follow
// https://docs.github.com/rest/issues/comments, https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api
// (RFC 8288 / 5988 Link headers), https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api and
// https://docs.github.com/graphql/reference/mutations#minimizecomment.
import { randomUUID } from 'node:crypto';
import { StandIn } from './base.js';
import type { StandInOptions, StandInRequest, StandInResponse } from './base.js';
import { GraphqlSyntaxError, parseOperation } from './graphql-document.js';
import type { GraphqlField } from './graphql-document.js';

/** The operation names the GitHub stand-in records in its journal. */
export const GITHUB_OPERATIONS = {
  listComments: 'GET /repos/:owner/:repo/issues/:number/comments',
  createComment: 'POST /repos/:owner/:repo/issues/:number/comments',
  getComment: 'GET /repos/:owner/:repo/issues/comments/:id',
  updateComment: 'PATCH /repos/:owner/:repo/issues/comments/:id',
  deleteComment: 'DELETE /repos/:owner/:repo/issues/comments/:id',
  graphql: 'POST /graphql',
} as const;

/** A GitHub account as comments show it. */
export interface GitHubUser {
  login: string;
  id: number;
  type: 'User' | 'Bot' | 'Organization';
}

/** What a token is: whose it is and whether it may write (a fork's GITHUB_TOKEN may not). */
export interface GitHubTokenConfig {
  login?: string;
  id?: number;
  type?: GitHubUser['type'];
  access?: 'write' | 'read';
}

/** An issue comment as the REST API sends it. */
export interface GitHubComment {
  id: number;
  node_id: string;
  url: string;
  html_url: string;
  issue_url: string;
  body: string;
  user: GitHubUser & {
    node_id: string;
    avatar_url: string;
    url: string;
    html_url: string;
    site_admin: boolean;
  };
  created_at: string;
  updated_at: string;
  author_association: string;
  performed_via_github_app: null;
}

/** A stored comment: the REST shape plus the minimized state that only GraphQL shows. */
export interface StoredComment extends GitHubComment {
  isMinimized: boolean;
  /** GitHub's lower-case reason (`outdated`, `off-topic`, ...), null when not minimized. */
  minimizedReason: string | null;
}

/** A comment to seed: just a body, or a body with its author and time. */
export type CommentSeed = string | { body: string; user?: Partial<GitHubUser>; createdAt?: number | Date };

/** Options of the GitHub stand-in. */
export interface GitHubStandInOptions extends StandInOptions {
  /** Accepted tokens; defaults to {@link DEFAULT_GITHUB_TOKEN} as `github-actions[bot]` with write access. */
  tokens?: Record<string, GitHubTokenConfig>;
  /** The web host of html_url links (GITHUB_SERVER_URL); default `https://github.com`. */
  serverUrl?: string;
  /** Repositories that exist from the start, as `owner/repo`. */
  repositories?: string[];
}

/** The token the stand-in accepts when none are configured. */
export const DEFAULT_GITHUB_TOKEN = 'ghs_SlipwayStandInToken0000000000000000';

const ACTIONS_BOT: GitHubUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
const DOCS = 'https://docs.github.com/rest/issues/comments';
const CLASSIFIERS: Record<string, string> = {
  ABUSE: 'abuse',
  DUPLICATE: 'duplicate',
  OFF_TOPIC: 'off-topic',
  OUTDATED: 'outdated',
  RESOLVED: 'resolved',
  SPAM: 'spam',
};

interface Repository {
  id: number;
  owner: string;
  name: string;
}

interface CommentRecord {
  id: number;
  nodeId: string;
  repository: Repository;
  issue: number;
  body: string;
  user: GitHubUser;
  createdAt: number;
  updatedAt: number;
  minimizedReason: string | null;
}

interface Caller {
  user: GitHubUser;
  access: 'write' | 'read';
}

type Route =
  | { operation: string; kind: 'list'; owner: string; repo: string; issue: number }
  | { operation: string; kind: 'create'; owner: string; repo: string; issue: number }
  | { operation: string; kind: 'list-by-id'; repositoryId: number; issue: number }
  | { operation: string; kind: 'get' | 'update' | 'delete'; owner: string; repo: string; id: number }
  | { operation: string; kind: 'graphql' }
  | { operation: string; kind: 'unknown' };

/**
 * A GitHub stand-in serving issue comments (list with pagination, create, get, update, delete) and the
 * `minimizeComment` / `unminimizeComment` mutations, with token checks and GitHub's error bodies.
 */
export class GitHubStandIn extends StandIn {
  private readonly tokens = new Map<string, Caller>();
  private readonly repositories = new Map<string, Repository>();
  private readonly records = new Map<number, CommentRecord>();
  private readonly serverUrl: string;
  private nextCommentId = 1_900_000_001;
  private nextRepositoryId = 700_000_001;
  private requestsUsed = 0;

  /** @param options tokens, web host and initial repositories. */
  constructor(options: GitHubStandInOptions = {}) {
    super(options);
    this.serverUrl = options.serverUrl ?? 'https://github.com';
    const tokens = options.tokens ?? { [DEFAULT_GITHUB_TOKEN]: { ...ACTIONS_BOT, access: 'write' } };
    for (const [token, config] of Object.entries(tokens)) this.addToken(token, config);
    for (const fullName of options.repositories ?? []) {
      const [owner = '', repo = ''] = fullName.split('/');
      this.addRepository(owner, repo);
    }
  }

  /** Accepts one more token. */
  addToken(token: string, config: GitHubTokenConfig = {}): void {
    const login = config.login ?? ACTIONS_BOT.login;
    this.tokens.set(token, {
      user: {
        login,
        id: config.id ?? (login === ACTIONS_BOT.login ? ACTIONS_BOT.id : 10_000 + this.tokens.size),
        type: config.type ?? (login.endsWith('[bot]') ? 'Bot' : 'User'),
      },
      access: config.access ?? 'write',
    });
  }

  /** Makes a repository exist (idempotent); unknown repositories answer 404. */
  addRepository(owner: string, repo: string): void {
    const key = repoKey(owner, repo);
    if (!this.repositories.has(key)) {
      this.repositories.set(key, { id: this.nextRepositoryId++, owner, name: repo });
    }
  }

  /** Adds comments to an issue, oldest first, creating the repository if needed. */
  seedComments(owner: string, repo: string, issue: number, seeds: CommentSeed[]): StoredComment[] {
    this.addRepository(owner, repo);
    const repository = this.repositories.get(repoKey(owner, repo))!;
    return seeds.map((seed) => {
      const spec = typeof seed === 'string' ? { body: seed } : seed;
      const time = spec.createdAt === undefined ? this.now() : new Date(spec.createdAt).getTime();
      const login = spec.user?.login ?? 'octocat';
      const user: GitHubUser = {
        login,
        id: spec.user?.id ?? 583231,
        type: spec.user?.type ?? (login.endsWith('[bot]') ? 'Bot' : 'User'),
      };
      const record = this.insert(repository, issue, spec.body, user, time);
      return this.stored(record);
    });
  }

  /** The numeric id GitHub gives a repository (used in pagination links), or undefined when unknown. */
  repositoryId(owner: string, repo: string): number | undefined {
    return this.repositories.get(repoKey(owner, repo))?.id;
  }

  /** The comments of an issue as stored, oldest first. */
  comments(owner: string, repo: string, issue: number): StoredComment[] {
    const key = repoKey(owner, repo);
    return [...this.records.values()]
      .filter(
        (record) =>
          repoKey(record.repository.owner, record.repository.name) === key && record.issue === issue,
      )
      .sort((a, b) => a.id - b.id)
      .map((record) => this.stored(record));
  }

  protected identify(request: StandInRequest): string {
    return this.route(request).operation;
  }

  protected handle(request: StandInRequest): StandInResponse {
    const route = this.route(request);
    const api = route.kind === 'graphql' ? 'graphql' : 'rest';
    const caller = this.authenticate(request);
    if (caller === 'missing') return this.error(401, 'Requires authentication', docsRoot(api));
    if (caller === 'bad') return this.error(401, 'Bad credentials', docsRoot(api));
    this.requestsUsed += 1;

    switch (route.kind) {
      case 'graphql':
        return this.graphql(request, caller);
      case 'list':
      case 'list-by-id':
        return this.list(request, route);
      case 'create':
        return this.create(request, route, caller);
      case 'get':
      case 'update':
      case 'delete':
        return this.single(request, route, caller);
      default:
        return this.error(404, 'Not Found', docsRoot('rest'));
    }
  }

  protected throttleResponse(
    _request: StandInRequest,
    _operation: string,
    variant?: string,
  ): StandInResponse {
    const reset = Math.ceil(this.now() / 1000) + 60;
    if (variant === 'primary') {
      return {
        status: 403,
        headers: {
          'x-ratelimit-limit': '5000',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-used': '5000',
          'x-ratelimit-reset': String(reset),
        },
        body: {
          message:
            'API rate limit exceeded for installation ID 1. If you reach out to GitHub Support for help, please include the request ID.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
          status: '403',
        },
      };
    }
    const status = variant === 'secondary-429' ? 429 : 403;
    return {
      status,
      headers: { 'retry-after': '60' },
      body: {
        message:
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
        documentation_url:
          'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        status: String(status),
      },
    };
  }

  protected serverErrorResponse(
    _request: StandInRequest,
    _operation: string,
    status: number,
    message?: string,
  ): StandInResponse {
    return {
      status,
      body: { message: message ?? (status === 503 ? 'Service Unavailable' : 'Server Error') },
    };
  }

  protected commonHeaders(request: StandInRequest): Record<string, string> {
    const graphql = request.path === '/graphql';
    return {
      'x-github-request-id': randomUUID().toUpperCase().slice(0, 23),
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(Math.max(0, 5000 - this.requestsUsed)),
      'x-ratelimit-used': String(this.requestsUsed),
      'x-ratelimit-reset': String(Math.ceil(this.now() / 1000) + 3600),
      'x-ratelimit-resource': graphql ? 'graphql' : 'core',
    };
  }

  private route(request: StandInRequest): Route {
    const { method, path } = request;
    let m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(path);
    if (m !== null && (method === 'GET' || method === 'POST')) {
      const target = { owner: decode(m[1]), repo: decode(m[2]), issue: Number(m[3]) };
      return method === 'GET'
        ? { operation: GITHUB_OPERATIONS.listComments, kind: 'list', ...target }
        : { operation: GITHUB_OPERATIONS.createComment, kind: 'create', ...target };
    }
    m = /^\/repositories\/(\d+)\/issues\/(\d+)\/comments$/.exec(path);
    if (m !== null && method === 'GET') {
      return {
        operation: GITHUB_OPERATIONS.listComments,
        kind: 'list-by-id',
        repositoryId: Number(m[1]),
        issue: Number(m[2]),
      };
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(path);
    if (m !== null && (method === 'GET' || method === 'PATCH' || method === 'DELETE')) {
      const kind = method === 'GET' ? 'get' : method === 'PATCH' ? 'update' : 'delete';
      const operation = {
        get: GITHUB_OPERATIONS.getComment,
        update: GITHUB_OPERATIONS.updateComment,
        delete: GITHUB_OPERATIONS.deleteComment,
      }[kind];
      return { operation, kind, owner: decode(m[1]), repo: decode(m[2]), id: Number(m[3]) };
    }
    if (path === '/graphql' && method === 'POST')
      return { operation: GITHUB_OPERATIONS.graphql, kind: 'graphql' };
    return { operation: `${method} ${path}`, kind: 'unknown' };
  }

  private authenticate(request: StandInRequest): Caller | 'missing' | 'bad' {
    const header = request.headers['authorization'];
    if (header === undefined || header === '') return 'missing';
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header);
    const caller = match === null ? undefined : this.tokens.get(match[1] ?? '');
    return caller ?? 'bad';
  }

  private list(
    request: StandInRequest,
    route: Extract<Route, { kind: 'list' | 'list-by-id' }>,
  ): StandInResponse {
    const repository =
      route.kind === 'list'
        ? this.repositories.get(repoKey(route.owner, route.repo))
        : [...this.repositories.values()].find((candidate) => candidate.id === route.repositoryId);
    if (repository === undefined) return this.error(404, 'Not Found', `${DOCS}#list-issue-comments`);
    const all = this.comments(repository.owner, repository.name, route.issue);
    const perPage = clamp(integer(request.query['per_page']) ?? 30, 1, 100);
    const page = Math.max(1, integer(request.query['page']) ?? 1);
    const items = all.slice((page - 1) * perPage, page * perPage).map(toRest);
    const last = Math.ceil(all.length / perPage);
    const link = this.linkHeader(request, repository, route.issue, page, last);
    return { status: 200, headers: link === undefined ? {} : { link }, body: items };
  }

  /**
   * GitHub's Link header: prev, next, last, first in that order, each URL keeping the request's other query
   * parameters and pointing at the `/repositories/:id` form of the path, as api.github.com does.
   */
  private linkHeader(
    request: StandInRequest,
    repository: Repository,
    issue: number,
    page: number,
    last: number,
  ): string | undefined {
    if (last <= 1 && page <= 1) return undefined;
    const at = (target: number): string => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(request.query)) {
        if (key === 'page') continue;
        for (const one of Array.isArray(value) ? value : [value]) params.append(key, one);
      }
      params.append('page', String(target));
      return `<${this.url}/repositories/${repository.id}/issues/${issue}/comments?${params.toString()}>`;
    };
    const parts: string[] = [];
    if (page > 1) parts.push(`${at(Math.min(page - 1, Math.max(last, 1)))}; rel="prev"`);
    if (page < last) parts.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`);
    if (page > 1) parts.push(`${at(1)}; rel="first"`);
    return parts.join(', ');
  }

  private create(
    request: StandInRequest,
    route: Extract<Route, { kind: 'create' }>,
    caller: Caller,
  ): StandInResponse {
    const repository = this.repositories.get(repoKey(route.owner, route.repo));
    if (repository === undefined) return this.error(404, 'Not Found', `${DOCS}#create-an-issue-comment`);
    if (caller.access !== 'write') {
      return this.error(403, 'Resource not accessible by integration', `${DOCS}#create-an-issue-comment`);
    }
    const body = bodyText(request.body);
    if (body === undefined)
      return this.error(
        422,
        `Invalid request.\n\n"body" wasn't supplied.`,
        `${DOCS}#create-an-issue-comment`,
      );
    const record = this.insert(repository, route.issue, body, caller.user, this.now());
    const comment = toRest(this.stored(record));
    return { status: 201, headers: { location: comment.url }, body: comment };
  }

  private single(
    request: StandInRequest,
    route: Extract<Route, { kind: 'get' | 'update' | 'delete' }>,
    caller: Caller,
  ): StandInResponse {
    const anchor = {
      get: 'get-an-issue-comment',
      update: 'update-an-issue-comment',
      delete: 'delete-an-issue-comment',
    }[route.kind];
    const docs = `${DOCS}#${anchor}`;
    const repository = this.repositories.get(repoKey(route.owner, route.repo));
    const record = this.records.get(route.id);
    if (repository === undefined || record === undefined || record.repository !== repository)
      return this.error(404, 'Not Found', docs);
    if (route.kind === 'get') return { status: 200, body: toRest(this.stored(record)) };
    if (caller.access !== 'write') return this.error(403, 'Resource not accessible by integration', docs);
    if (route.kind === 'delete') {
      this.records.delete(record.id);
      return { status: 204 };
    }
    const body = bodyText(request.body);
    if (body === undefined) return this.error(422, `Invalid request.\n\n"body" wasn't supplied.`, docs);
    record.body = body;
    record.updatedAt = this.now();
    return { status: 200, body: toRest(this.stored(record)) };
  }

  private graphql(request: StandInRequest, caller: Caller): StandInResponse {
    const payload = request.body;
    if (
      typeof payload !== 'object' ||
      payload === null ||
      typeof (payload as { query?: unknown }).query !== 'string'
    ) {
      return {
        status: 400,
        body: { message: 'Problems parsing JSON', documentation_url: docsRoot('graphql') },
      };
    }
    const { query, variables } = payload as { query: string; variables?: Record<string, unknown> };
    let fields: GraphqlField[];
    try {
      const operation = parseOperation(query, variables ?? {});
      if (operation.kind !== 'mutation') {
        return graphqlErrors([
          { message: `The stand-in serves mutations only, not ${operation.kind} operations` },
        ]);
      }
      fields = operation.selection;
    } catch (error) {
      if (error instanceof GraphqlSyntaxError) {
        return graphqlErrors([{ message: error.message, locations: [error.location] }]);
      }
      throw error;
    }

    const data: Record<string, unknown> = {};
    const errors: Record<string, unknown>[] = [];
    for (const field of fields) {
      if (field.name !== 'minimizeComment' && field.name !== 'unminimizeComment') {
        return graphqlErrors([
          {
            message: `Field '${field.name}' doesn't exist on type 'Mutation'`,
            locations: [field.location],
            path: ['mutation', field.name],
          },
        ]);
      }
      const result = this.minimize(field, caller);
      if ('error' in result) {
        data[field.key] = null;
        errors.push({ ...result.error, path: [field.key], locations: [field.location] });
      } else {
        data[field.key] = result.value;
      }
    }
    return { status: 200, body: errors.length > 0 ? { data, errors } : { data } };
  }

  private minimize(
    field: GraphqlField,
    caller: Caller,
  ): { value: unknown } | { error: Record<string, unknown> } {
    const input = field.args['input'];
    if (typeof input !== 'object' || input === null) {
      return {
        error: {
          message: `Argument 'input' on Field '${field.name}' has an invalid value. Expected type '${field.name === 'minimizeComment' ? 'MinimizeCommentInput' : 'UnminimizeCommentInput'}!'.`,
        },
      };
    }
    const { subjectId, classifier, clientMutationId } = input as Record<string, unknown>;
    const minimizing = field.name === 'minimizeComment';
    const reason = minimizing && typeof classifier === 'string' ? CLASSIFIERS[classifier] : undefined;
    if (minimizing && reason === undefined) {
      return {
        error: {
          message: `Argument 'classifier' on InputObject 'MinimizeCommentInput' has an invalid value (${String(classifier)}). Expected type 'ReportedContentClassifiers!'.`,
        },
      };
    }
    const record = [...this.records.values()].find((candidate) => candidate.nodeId === subjectId);
    if (record === undefined) {
      return {
        error: {
          type: 'NOT_FOUND',
          message: `Could not resolve to a node with the global id of '${String(subjectId)}'`,
        },
      };
    }
    if (caller.access !== 'write')
      return { error: { type: 'FORBIDDEN', message: 'Resource not accessible by integration' } };
    record.minimizedReason = minimizing ? (reason ?? null) : null;

    const comment = {
      __typename: 'IssueComment',
      id: record.nodeId,
      isMinimized: record.minimizedReason !== null,
      minimizedReason: record.minimizedReason,
      viewerCanMinimize: true,
    };
    const payloadField = minimizing ? 'minimizedComment' : 'unminimizedComment';
    const payload: Record<string, unknown> = {};
    for (const selected of field.selection) {
      if (selected.name === payloadField) payload[selected.key] = pick(comment, selected.selection);
      else if (selected.name === 'clientMutationId')
        payload[selected.key] = typeof clientMutationId === 'string' ? clientMutationId : null;
      else if (selected.name === '__typename')
        payload[selected.key] = minimizing ? 'MinimizeCommentPayload' : 'UnminimizeCommentPayload';
    }
    return { value: payload };
  }

  private insert(
    repository: Repository,
    issue: number,
    body: string,
    user: GitHubUser,
    time: number,
  ): CommentRecord {
    const id = this.nextCommentId++;
    const record: CommentRecord = {
      id,
      nodeId: `IC_kwDO${Buffer.from(`${repository.id}:${id}`).toString('base64url')}`,
      repository,
      issue,
      body,
      user,
      createdAt: time,
      updatedAt: time,
      minimizedReason: null,
    };
    this.records.set(id, record);
    return record;
  }

  private stored(record: CommentRecord): StoredComment {
    const { owner, name } = record.repository;
    const api = this.baseUrlOrPlaceholder();
    const login = record.user.login;
    return {
      id: record.id,
      node_id: record.nodeId,
      url: `${api}/repos/${owner}/${name}/issues/comments/${record.id}`,
      html_url: `${this.serverUrl}/${owner}/${name}/issues/${record.issue}#issuecomment-${record.id}`,
      issue_url: `${api}/repos/${owner}/${name}/issues/${record.issue}`,
      body: record.body,
      user: {
        ...record.user,
        node_id: `${record.user.type === 'Bot' ? 'BOT' : 'U'}_kgDO${Buffer.from(String(record.user.id)).toString('base64url')}`,
        avatar_url: `https://avatars.githubusercontent.com/u/${record.user.id}?v=4`,
        url: `${api}/users/${encodeURIComponent(login)}`,
        html_url: `${this.serverUrl}/${record.user.type === 'Bot' ? `apps/${login.replace(/\[bot\]$/, '')}` : login}`,
        site_admin: false,
      },
      created_at: isoSeconds(record.createdAt),
      updated_at: isoSeconds(record.updatedAt),
      author_association:
        login.toLowerCase() === owner.toLowerCase()
          ? 'OWNER'
          : record.user.type === 'Bot'
            ? 'NONE'
            : 'CONTRIBUTOR',
      performed_via_github_app: null,
      isMinimized: record.minimizedReason !== null,
      minimizedReason: record.minimizedReason,
    };
  }

  private baseUrlOrPlaceholder(): string {
    try {
      return this.url;
    } catch {
      return 'https://api.github.com';
    }
  }

  private error(status: number, message: string, documentationUrl: string): StandInResponse {
    return { status, body: { message, documentation_url: documentationUrl, status: String(status) } };
  }
}

function toRest(comment: StoredComment): GitHubComment {
  const { isMinimized: _minimized, minimizedReason: _reason, ...rest } = comment;
  return rest;
}

function pick(source: Record<string, unknown>, selection: GraphqlField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of selection) out[field.key] = source[field.name] ?? null;
  return out;
}

function graphqlErrors(errors: Record<string, unknown>[]): StandInResponse {
  return { status: 200, body: { errors } };
}

function docsRoot(api: 'rest' | 'graphql'): string {
  return `https://docs.github.com/${api}`;
}

function repoKey(owner: string, repo: string): string {
  // GitHub resolves owner and repository names case-insensitively.
  return `${owner}/${repo}`.toLowerCase();
}

function decode(segment: string | undefined): string {
  return decodeURIComponent(segment ?? '');
}

function integer(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function bodyText(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const text = (body as { body?: unknown }).body;
  return typeof text === 'string' ? text : undefined;
}

function isoSeconds(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
