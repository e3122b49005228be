/**
 * Services on the CODE_DEPLOY deployment controller: ECS refuses a new task definition through UpdateService, so
 * the deploy is a CodeDeploy deployment whose AppSpec names the new revision
 * (https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html#reference-appspec-file-structure-resources-ecs).
 * `@aws-sdk/client-codedeploy` is loaded only by {@link loadCodeDeployApi}.
 */
import { createHash } from 'node:crypto';
import type { DeploymentInfo } from '@aws-sdk/client-codedeploy';
import type { CapacityProviderStrategyItem, NetworkConfiguration } from '@aws-sdk/client-ecs';
import { TimeoutError, formatDuration, pollRollout } from '@slipway/core';
import type { RolloutObserver, RolloutSnapshot } from '@slipway/core';
import type { AwsClientOptions } from '../sdk-client.js';

/** The CodeDeploy calls deploy-ecs makes. */
export interface CodeDeployApi {
  /** Starts a deployment with the AppSpec as content; returns its id (`d-...`). */
  createDeployment(input: {
    application: string;
    deploymentGroup: string;
    deploymentConfig?: string | undefined;
    appSpec: string;
    description: string;
  }): Promise<string>;
  getDeployment(id: string): Promise<DeploymentInfo>;
}

/** How {@link loadCodeDeployApi} builds its client. */
export type CodeDeployApiOptions = AwsClientOptions;

/** Loads `@aws-sdk/client-codedeploy` (endpoint, region and credentials from the standard AWS configuration). */
export async function loadCodeDeployApi(options: CodeDeployApiOptions = {}): Promise<CodeDeployApi> {
  const { createSdkCodeDeployApi } = await import('./codedeploy-sdk.js');
  return createSdkCodeDeployApi(options);
}

/** What the AppSpec says about the new revision. */
export interface AppSpecInput {
  taskDefinitionArn: string;
  containerName: string;
  containerPort: number;
  platformVersion?: string | undefined;
  networkConfiguration?: NetworkConfiguration | undefined;
  capacityProviderStrategy?: CapacityProviderStrategyItem[] | undefined;
}

/** The AppSpec of an ECS deployment, as JSON text (`version` written 0.0, as CodeDeploy documents it). */
export function buildAppSpec(input: AppSpecInput): string {
  const properties: Record<string, unknown> = {
    TaskDefinition: input.taskDefinitionArn,
    LoadBalancerInfo: { ContainerName: input.containerName, ContainerPort: input.containerPort },
  };
  if (input.platformVersion !== undefined) properties.PlatformVersion = input.platformVersion;
  const vpc = input.networkConfiguration?.awsvpcConfiguration;
  if (vpc !== undefined) {
    properties.NetworkConfiguration = {
      AwsvpcConfiguration: {
        Subnets: vpc.subnets ?? [],
        ...(vpc.securityGroups === undefined ? {} : { SecurityGroups: vpc.securityGroups }),
        ...(vpc.assignPublicIp === undefined ? {} : { AssignPublicIp: vpc.assignPublicIp }),
      },
    };
  }
  if (input.capacityProviderStrategy !== undefined) {
    properties.CapacityProviderStrategy = input.capacityProviderStrategy.map((item) => ({
      CapacityProvider: item.capacityProvider,
      Weight: item.weight ?? 0,
      Base: item.base ?? 0,
    }));
  }
  const spec = {
    version: '__APPSPEC_VERSION__',
    Resources: [{ TargetService: { Type: 'AWS::ECS::Service', Properties: properties } }],
  };
  return JSON.stringify(spec, null, 2).replace('"__APPSPEC_VERSION__"', '0.0');
}

/** SHA-256 of an AppSpec, as CreateDeployment's `appSpecContent.sha256` takes it. */
export function appSpecSha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Observes one CodeDeploy deployment. */
export class CodeDeployObserver implements RolloutObserver {
  /** The deployment as last read. */
  info: DeploymentInfo | undefined;

  constructor(
    private readonly api: CodeDeployApi,
    readonly deploymentId: string,
  ) {}

  async observe(): Promise<RolloutSnapshot> {
    const info = await this.api.getDeployment(this.deploymentId);
    this.info = info;
    const status = info.status ?? 'Unknown';
    const overview = info.deploymentOverview;
    const progress =
      overview === undefined
        ? ''
        : ` (${overview.Succeeded ?? 0} succeeded, ${overview.InProgress ?? 0} in progress, ${overview.Failed ?? 0} failed)`;
    const failed = status === 'Failed' || status === 'Stopped';
    const reasons = failed
      ? [
          `${info.errorInformation?.code ?? status}: ${info.errorInformation?.message ?? `the deployment is ${status}`}`,
          ...(info.rollbackInfo?.rollbackMessage ? [info.rollbackInfo.rollbackMessage] : []),
        ]
      : [];
    return {
      done: status === 'Succeeded',
      failed,
      summary: `${this.deploymentId} ${status}${progress}`,
      reasons,
      events: [],
    };
  }
}

/** Waits for a CodeDeploy deployment; throws an error naming it when the deadline passes. */
export async function waitForCodeDeploy(
  api: CodeDeployApi,
  deploymentId: string,
  options: {
    timeoutMs: number;
    pollIntervalMs: number;
    onProgress?: (summary: string) => void;
    sleep?: (ms: number) => Promise<void>;
    now?: () => number;
  },
): Promise<{ observer: CodeDeployObserver; snapshot: RolloutSnapshot }> {
  const observer = new CodeDeployObserver(api, deploymentId);
  try {
    const snapshot = await pollRollout(observer, {
      timeoutMs: options.timeoutMs,
      initialIntervalMs: Math.min(2000, options.pollIntervalMs),
      maxIntervalMs: options.pollIntervalMs,
      onProgress: (line, kind) => {
        if (kind === 'summary') options.onProgress?.(line);
      },
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    return { observer, snapshot };
  } catch (error) {
    if (error instanceof TimeoutError) {
      throw new Error(
        `CodeDeploy deployment ${deploymentId} did not finish within ${formatDuration(options.timeoutMs)}; it goes on in CodeDeploy`,
        { cause: error },
      );
    }
    throw error;
  }
}
