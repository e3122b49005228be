/**
 * Creating an ECR repository on first push, with scan-on-push, tag mutability and a lifecycle policy, and
 * bringing an existing one's scanning and lifecycle settings in line. Observe (DescribeRepositories) → plan
 * (pure, table-tested) → apply, so a dry run can show what would change.
 * API reference: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/ (CreateRepository,
 * DescribeRepositories, PutImageScanningConfiguration, PutLifecyclePolicy).
 */
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  PutImageScanningConfigurationCommand,
  PutLifecyclePolicyCommand,
} from '@aws-sdk/client-ecr';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { retry } from '@slipway/core';
import type { RetryOptions } from '@slipway/core';

/** How a repository should be set up. */
export interface EcrRepositorySettings {
  scanOnPush: boolean;
  /** `IMMUTABLE` refuses to move a tag once set; applied at creation only. */
  tagMutability: 'MUTABLE' | 'IMMUTABLE';
  /** Lifecycle policy JSON text, put as given; `undefined` leaves the policy alone. */
  lifecyclePolicy: string | undefined;
}

/** What DescribeRepositories said about one repository. */
export type ObservedEcrRepository =
  { exists: false } | { exists: true; uri: string; scanOnPush: boolean; tagMutability: string };

/** One call that brings a repository in line. */
export type EcrRepositoryStep =
  | { action: 'create'; scanOnPush: boolean; tagMutability: 'MUTABLE' | 'IMMUTABLE' }
  | { action: 'put-image-scanning-configuration'; scanOnPush: boolean }
  | { action: 'put-lifecycle-policy'; lifecyclePolicyText: string };

/** The steps for one repository and anything worth a warning (settings left as they are). */
export interface EcrRepositoryPlan {
  repositoryName: string;
  /** Omitted: the caller's own registry. */
  registryId: string | undefined;
  steps: EcrRepositoryStep[];
  warnings: string[];
}

/**
 * Plans the calls that make `observed` match `desired`: create a missing repository with its scanning and
 * mutability settings, switch scan-on-push on an existing one, and put the lifecycle policy when one is given.
 * Tag mutability of an existing repository is left alone (changing it breaks other pipelines' habits) and
 * reported as a warning.
 */
export function planEcrRepository(
  repositoryName: string,
  registryId: string | undefined,
  observed: ObservedEcrRepository,
  desired: EcrRepositorySettings,
): EcrRepositoryPlan {
  const steps: EcrRepositoryStep[] = [];
  const warnings: string[] = [];
  if (!observed.exists) {
    steps.push({ action: 'create', scanOnPush: desired.scanOnPush, tagMutability: desired.tagMutability });
  } else {
    if (observed.scanOnPush !== desired.scanOnPush) {
      steps.push({ action: 'put-image-scanning-configuration', scanOnPush: desired.scanOnPush });
    }
    if (!observed.tagMutability.startsWith(desired.tagMutability)) {
      warnings.push(
        `ECR repository ${repositoryName} has tag mutability ${observed.tagMutability}, not ${desired.tagMutability}; left as it is`,
      );
    }
  }
  if (desired.lifecyclePolicy !== undefined) {
    steps.push({ action: 'put-lifecycle-policy', lifecyclePolicyText: desired.lifecyclePolicy });
  }
  return { repositoryName, registryId, steps, warnings };
}

function isNotFound(e: unknown): boolean {
  return (
    typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'RepositoryNotFoundException'
  );
}

function isAlreadyExists(e: unknown): boolean {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as { name?: unknown }).name === 'RepositoryAlreadyExistsException'
  );
}

/** Reads one repository's settings (DescribeRepositories); a missing repository is `{ exists: false }`. */
export async function describeEcrRepository(
  client: ECRClient,
  repositoryName: string,
  registryId: string | undefined,
  opts: RetryOptions = {},
): Promise<ObservedEcrRepository> {
  try {
    const out = await retry(
      () => client.send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName], registryId })),
      opts,
    );
    const repo = out.repositories?.[0];
    if (repo === undefined) return { exists: false };
    return {
      exists: true,
      uri: repo.repositoryUri ?? '',
      scanOnPush: repo.imageScanningConfiguration?.scanOnPush === true,
      tagMutability: repo.imageTagMutability ?? 'MUTABLE',
    };
  } catch (e) {
    if (isNotFound(e)) return { exists: false };
    throw e;
  }
}

/**
 * Runs a plan's steps in order. A repository created meanwhile by a concurrent job (RepositoryAlreadyExists) is
 * taken as created. Resolves to the steps run.
 */
export async function applyEcrRepository(
  client: ECRClient,
  plan: EcrRepositoryPlan,
  opts: RetryOptions = {},
): Promise<EcrRepositoryStep[]> {
  const { repositoryName, registryId } = plan;
  const done: EcrRepositoryStep[] = [];
  for (const step of plan.steps) {
    switch (step.action) {
      case 'create':
        try {
          await retry(
            () =>
              client.send(
                new CreateRepositoryCommand({
                  repositoryName,
                  registryId,
                  imageTagMutability: step.tagMutability,
                  imageScanningConfiguration: { scanOnPush: step.scanOnPush },
                }),
              ),
            opts,
          );
        } catch (e) {
          if (!isAlreadyExists(e)) throw e;
        }
        break;
      case 'put-image-scanning-configuration':
        await retry(
          () =>
            client.send(
              new PutImageScanningConfigurationCommand({
                repositoryName,
                registryId,
                imageScanningConfiguration: { scanOnPush: step.scanOnPush },
              }),
            ),
          opts,
        );
        break;
      case 'put-lifecycle-policy':
        await retry(
          () =>
            client.send(
              new PutLifecyclePolicyCommand({
                repositoryName,
                registryId,
                lifecyclePolicyText: step.lifecyclePolicyText,
              }),
            ),
          opts,
        );
        break;
    }
    done.push(step);
  }
  return done;
}

/** One line per step, for logs and dry runs. */
export function describeEcrStep(plan: EcrRepositoryPlan, step: EcrRepositoryStep): string {
  const name = plan.repositoryName;
  switch (step.action) {
    case 'create':
      return `create ECR repository ${name} (scan on push: ${step.scanOnPush ? 'on' : 'off'}, tags: ${step.tagMutability.toLowerCase()})`;
    case 'put-image-scanning-configuration':
      return `turn scan on push ${step.scanOnPush ? 'on' : 'off'} for ECR repository ${name}`;
    case 'put-lifecycle-policy':
      return `put the lifecycle policy of ECR repository ${name}`;
  }
}
