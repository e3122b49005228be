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
  // traffic-split: valid inputs for an ALB canary, as far as the DescribeListeners call that reads the weights.
  'traffic-split': {
    env({ endpoint, work }) {
      writeFileSync(join(work, 'state'), '');
      return {
        RUNNER_TEMP: work,
        GITHUB_OUTPUT: join(work, 'out'),
        GITHUB_STEP_SUMMARY: join(work, 'sum'),
        GITHUB_STATE: join(work, 'state'),
        AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIABENCH',
        AWS_SECRET_ACCESS_KEY: 'bench',
        INPUT_PLATFORM: 'ecs',
        'INPUT_LISTENER-ARN':
          'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2',
        INPUT_CANDIDATE: 'web-green',
        'INPUT_PROBE-URL': 'http://127.0.0.1:9/healthz',
      };
    },
  },
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
  // deploy-eks: valid inputs and one manifest, as far as the DescribeCluster call (the manifests are read first).
  'deploy-eks': {
    env({ endpoint, work }) {
      const ws = join(work, 'deploy-eks-ws');
      mkdirSync(ws, { recursive: true });
      writeFileSync(
        join(ws, 'web.yaml'),
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx:1.27}]\n',
      );
      return {
        GITHUB_WORKSPACE: ws,
        GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
        GITHUB_REPOSITORY: 'o/r',
        RUNNER_TEMP: work,
        GITHUB_OUTPUT: join(work, 'out'),
        GITHUB_STEP_SUMMARY: join(work, 'sum'),
        AWS_ENDPOINT_URL_EKS: endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIABENCH',
        AWS_SECRET_ACCESS_KEY: 'bench',
        'INPUT_CLUSTER-NAME': 'production',
        INPUT_MANIFESTS: 'web.yaml',
      };
    },
  },
  // deploy-gke: valid inputs and one manifest, as far as the token exchange of the federated credential file
  // (google-auth-library's first request, before clusters.get).
  'deploy-gke': {
    env({ endpoint, work }) {
      const ws = join(work, 'deploy-gke-ws');
      mkdirSync(ws, { recursive: true });
      writeFileSync(
        join(ws, 'web.yaml'),
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx:1.27}]\n',
      );
      writeFileSync(join(work, 'gke-subject-token'), 'bench-subject-token');
      const adc = join(work, 'gke-adc.json');
      writeFileSync(
        adc,
        JSON.stringify({
          type: 'external_account',
          audience:
            '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/github/providers/github',
          subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
          token_url: `${endpoint}/v1/token`,
          credential_source: { file: join(work, 'gke-subject-token') },
        }),
      );
      return {
        GITHUB_WORKSPACE: ws,
        GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
        GITHUB_REPOSITORY: 'o/r',
        RUNNER_TEMP: work,
        GITHUB_OUTPUT: join(work, 'out'),
        GITHUB_STEP_SUMMARY: join(work, 'sum'),
        GOOGLE_APPLICATION_CREDENTIALS: adc,
        SLIPWAY_GKE_API_ENDPOINT: endpoint,
        INPUT_CLUSTER: 'projects/bench/locations/us-central1/clusters/production',
        INPUT_MANIFESTS: 'web.yaml',
      };
    },
  },
  // deploy-ecs: a new image for a running service, as far as the first cloud call (DescribeServices).
  'deploy-ecs': {
    env({ endpoint, work }) {
      return {
        AWS_ENDPOINT_URL_ECS: endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIASLIPWAYBENCH0001',
        AWS_SECRET_ACCESS_KEY: 'slipway/bench/secret',
        AWS_EC2_METADATA_DISABLED: 'true',
        GITHUB_WORKSPACE: work,
        RUNNER_TEMP: work,
        GITHUB_OUTPUT: join(work, 'out'),
        GITHUB_STEP_SUMMARY: join(work, 'sum'),
        INPUT_CLUSTER: 'prod',
        INPUT_SERVICE: 'web',
        INPUT_IMAGE: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:2',
      };
    },
  },
  // deploy-cloudrun: a new image for a service, authenticated with a federated credential file (as
  // google-github-actions/auth writes it), as far as the first request: the STS token exchange, which google-auth-library
  // sends when the first Cloud Run call (GetService) needs a token — after @google-cloud/run is loaded.
  'deploy-cloudrun': {
    env({ endpoint, work }) {
      writeFileSync(join(work, 'cloudrun-subject-token'), 'bench-subject-token');
      const adc = join(work, 'cloudrun-adc.json');
      writeFileSync(
        adc,
        JSON.stringify({
          type: 'external_account',
          audience:
            '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/github/providers/github',
          subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
          token_url: `${endpoint}/v1/token`,
          credential_source: { file: join(work, 'cloudrun-subject-token') },
        }),
      );
      return {
        GITHUB_WORKSPACE: work,
        GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
        RUNNER_TEMP: work,
        GITHUB_OUTPUT: join(work, 'out'),
        GITHUB_STEP_SUMMARY: join(work, 'sum'),
        GOOGLE_APPLICATION_CREDENTIALS: adc,
        'INPUT_PROJECT-ID': 'bench-project',
        INPUT_REGION: 'us-central1',
        INPUT_SERVICE: 'web',
        INPUT_IMAGE: 'us-docker.pkg.dev/bench-project/apps/web:2',
        'INPUT_API-ENDPOINT': endpoint,
      };
    },
  },
};
