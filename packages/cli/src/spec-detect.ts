/**
 * Telling deploy specs from the other YAML and JSON a repository holds (workflows, tool configuration, package
 * manifests) cheaply, by name and a glance at the text, without parsing. A file that looks like a spec is
 * handed to the extractor even when it is broken, so that its error is reported rather than hidden.
 */
import { posix } from 'node:path';
import { KUSTOMIZATION_FILE_NAMES } from '@slipway/pricing';

/** Extensions a directory walk picks up. */
export const SPEC_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

/** File names kustomize reads as a kustomization (the extractor's list). */
export const KUSTOMIZATION_FILES: readonly string[] = KUSTOMIZATION_FILE_NAMES;

// Tool configuration and manifests that share the extensions but never hold a workload.
const NOT_SPEC_NAMES = new Set([
  'action.yml',
  'action.yaml',
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'composer.json',
  'composer.lock',
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  'yarn.lock',
  'lerna.json',
  'nx.json',
  'turbo.json',
  'deno.json',
  'jsconfig.json',
  'renovate.json',
  'dependabot.yml',
  'dependabot.yaml',
  'codecov.yml',
  '.pre-commit-config.yaml',
  'mkdocs.yml',
  'chart.yaml',
  'chart.lock',
  'docker-compose.yml',
  'docker-compose.yaml',
  'compose.yml',
  'compose.yaml',
  'skaffold.yaml',
  '.golangci.yml',
  '.gitlab-ci.yml',
  'cloudbuild.yaml',
  'buildspec.yml',
  'appspec.yml',
  'serverless.yml',
]);
const NOT_SPEC_PATTERNS = [
  /^tsconfig(\..*)?\.json$/,
  /^\.?eslintrc(\..*)?$/,
  /^\.prettierrc/,
  /^values(-.*)?\.ya?ml$/,
];

/** Why a file is not priced, or `undefined` when it looks like a deploy spec. */
export type NotSpecReason = 'name' | 'workflow' | 'no-spec-content';

/** Whether the name alone says the file is not a deploy spec. */
export function isKnownNonSpecName(path: string): boolean {
  const name = posix.basename(path).toLowerCase();
  if (NOT_SPEC_NAMES.has(name) || NOT_SPEC_PATTERNS.some((re) => re.test(name))) return true;
  // Workflows and composite actions of GitHub and Gitea.
  return /(^|\/)\.(github|gitea)\/(workflows|actions)\//.test(path);
}

/** Whether the file has one of the {@link SPEC_EXTENSIONS} (case-insensitive). */
export function hasSpecExtension(path: string): boolean {
  const lower = path.toLowerCase();
  return SPEC_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** Whether `path` names a kustomization file. */
export function isKustomizationFile(path: string): boolean {
  return KUSTOMIZATION_FILES.includes(posix.basename(path));
}

// A key that every spec family carries somewhere: Kubernetes and Cloud Run objects, ECS task definitions.
const SPEC_KEY = /(^|[\s{,"'-])("|')?(apiVersion|kind|containerDefinitions|taskDefinition)("|')?\s*:/m;
// A GitHub workflow has both `on:` and `jobs:` at the top level.
const WORKFLOW_ON = /^(on|"on"|'on')\s*:/m;
const WORKFLOW_JOBS = /^jobs\s*:/m;

/**
 * Why the file should be skipped, or `undefined` when it may hold a workload. Decided from the name and a scan
 * of the text for keys that every spec carries, so a spec with a syntax error still counts as a spec.
 */
export function notSpecReason(path: string, text: string): NotSpecReason | undefined {
  if (isKnownNonSpecName(path)) return 'name';
  if (WORKFLOW_ON.test(text) && WORKFLOW_JOBS.test(text)) return 'workflow';
  if (!SPEC_KEY.test(text)) return 'no-spec-content';
  return undefined;
}
