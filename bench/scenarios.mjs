// Per-action inputs that take a bundled action, with valid inputs, as far as its first cloud call; `endpoint`
// is a local server that notes the moment the first request arrives. Actions without an entry are measured on
// the bad-input path only.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A git workspace with one Deployment at the base commit and a larger one at the head. */
function prWorkspace(work) {
  const ws = join(work, 'ws');
  mkdirSync(ws, { recursive: true });
  const git = (...a) => execFileSync('git', a, { cwd: ws, stdio: 'pipe' }).toString().trim();
  const spec = (cpu) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx\n          resources: {requests: {cpu: ${cpu}, memory: 512Mi}}\n`;
  git('init', '-q');
  writeFileSync(join(ws, 'web.yaml'), spec('250m'));
  git('add', '.');
  git('-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-qm', 'base');
  const base = git('rev-parse', 'HEAD');
  writeFileSync(join(ws, 'web.yaml'), spec('500m'));
  git('-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-qam', 'head');
  const head = git('rev-parse', 'HEAD');
  const event = join(work, 'event.json');
  writeFileSync(
    event,
    JSON.stringify({
      pull_request: {
        number: 7,
        base: { sha: base, repo: { full_name: 'o/r' } },
        head: { sha: head, repo: { full_name: 'o/r' } },
      },
      repository: { full_name: 'o/r' },
    }),
  );
  return { ws, event, head };
}

export const scenarios = {
  'estimate-cost': {
    env({ endpoint, work }) {
      const { ws, event, head } = prWorkspace(work);
      return {
        GITHUB_API_URL: endpoint,
        GITHUB_WORKSPACE: ws,
        GITHUB_EVENT_PATH: event,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_REPOSITORY: 'o/r',
        GITHUB_SHA: head,
        RUNNER_TEMP: work,
        GITHUB_OUTPUT: join(work, 'out'),
        GITHUB_STEP_SUMMARY: join(work, 'sum'),
        'INPUT_GITHUB-TOKEN': 'ghs_bench',
        INPUT_PATHS: '**/*.yaml',
        INPUT_COMMENT: 'update',
        INPUT_REGION: 'us-east-1',
      };
    },
  },
  // build-push: valid inputs for an ECR image, as far as the GetAuthorizationToken call of the registry login.
  'build-push': {
    env({ endpoint, work }) {
      const ws = join(work, 'build-push-ws');
      mkdirSync(ws, { recursive: true });
      writeFileSync(join(ws, 'Dockerfile'), 'FROM scratch\nCOPY Dockerfile /\n');
      return {
        GITHUB_WORKSPACE: ws,
        GITHUB_REF: 'refs/heads/main',
        GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
        GITHUB_REPOSITORY: 'o/r',
        GITHUB_EVENT_NAME: 'push',
        RUNNER_TEMP: work,
        GITHUB_OUTPUT: join(work, 'out'),
        GITHUB_STEP_SUMMARY: join(work, 'sum'),
        AWS_ENDPOINT_URL_ECR: endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIABENCH',
        AWS_SECRET_ACCESS_KEY: 'bench',
        INPUT_IMAGES: '123456789012.dkr.ecr.us-east-1.amazonaws.com/bench',
        // Named, so that the engine probe (`docker version`) is not part of the figure.
        INPUT_ENGINE: 'buildah',
      };
    },
  },
};
