// A CodeDeploy stand-in for ECS blue/green services (the CODE_DEPLOY deployment controller), over AWS JSON 1.1
// (target prefix CodeDeploy_20141006). CreateDeployment takes an AppSpec as content and deploys its task
// definition through the ECS stand-in; GetDeployment reports the deployment's status from what ECS does.
// Shapes follow https://docs.aws.amazon.com/codedeploy/latest/APIReference/ (CreateDeployment, GetDeployment);
// messages whose wording the reference does not give are marked "wording approximated".
import { createHash, randomBytes } from 'node:crypto';
import { AwsError, AwsJsonStandIn } from './aws-json.js';
import type { StandInOptions } from './base.js';
import type { EcsStandIn } from './ecs.js';
import type { AwsCredential } from './sigv4.js';

/** A deployment group of an ECS application: which service its deployments change. */
export interface CodeDeployGroup {
  application: string;
  deploymentGroup: string;
  cluster: string;
  service: string;
  /** The group's deployment configuration (default `CodeDeployDefault.ECSAllAtOnce`). */
  deploymentConfig?: string;
}

/** A deployment as the stand-in keeps it. */
export interface CodeDeployRecord {
  deploymentId: string;
  application: string;
  deploymentGroup: string;
  deploymentConfig: string;
  description: string | undefined;
  /** The AppSpec as sent. */
  appSpec: string;
  taskDefinition: string;
  /** The ECS deployment that carries it out. */
  ecsDeploymentId: string;
  cluster: string;
  service: string;
  /** Epoch ms (simulated). */
  createdAt: number;
  /** Set when the deployment failed and ECS went back to the previous revision. */
  rolledBack: boolean;
}

/** Options of the CodeDeploy stand-in. */
export interface CodeDeployStandInOptions extends StandInOptions {
  /** The ECS stand-in whose services the deployments change (its clock is shared). */
  ecs: EcsStandIn;
  region?: string;
  credentials?: AwsCredential[];
  groups?: CodeDeployGroup[];
  /** Failed tasks after which CodeDeploy stops the deployment and rolls back (default 3). */
  failedTasksLimit?: number;
  /** Simulated ms each GetDeployment call moves the shared clock forward (default 0: off). */
  tickMs?: number;
}

const TARGET_PREFIX = 'CodeDeploy_20141006';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A CodeDeploy stand-in: CreateDeployment and GetDeployment for the ECS compute platform. */
export class CodeDeployStandIn extends AwsJsonStandIn {
  /** Every deployment created, by id. */
  readonly deployments = new Map<string, CodeDeployRecord>();
  private readonly groups: CodeDeployGroup[];
  private readonly ecs: EcsStandIn;
  private readonly failedTasksLimit: number;
  /** Simulated ms each GetDeployment call moves the shared clock forward. */
  tickMs: number;

  /** @param options the ECS stand-in to deploy through, and the deployment groups. */
  constructor(options: CodeDeployStandInOptions) {
    super({
      ...options,
      clock: options.clock ?? options.ecs.clock,
      targetPrefix: TARGET_PREFIX,
      signingName: 'codedeploy',
      throttleErrorType: 'ThrottlingException',
    });
    this.ecs = options.ecs;
    this.groups = [...(options.groups ?? [])];
    this.failedTasksLimit = options.failedTasksLimit ?? 3;
    this.tickMs = options.tickMs ?? 0;
    this.on('CreateDeployment', (input) => this.createDeployment(input));
    this.on('GetDeployment', (input) => {
      if (this.tickMs > 0) this.clock.advance(this.tickMs);
      return this.getDeployment(input);
    });
  }

  /** Adds a deployment group. */
  seedDeploymentGroup(group: CodeDeployGroup): void {
    this.groups.push(group);
  }

  // https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateDeployment.html
  private createDeployment(input: Record<string, unknown>): unknown {
    const application = String(input.applicationName ?? '');
    const groupName = String(input.deploymentGroupName ?? '');
    if (!this.groups.some((g) => g.application === application)) {
      throw new AwsError('ApplicationDoesNotExistException', `No application found for name: ${application}`);
    }
    const group = this.groups.find((g) => g.application === application && g.deploymentGroup === groupName);
    if (group === undefined) {
      throw new AwsError(
        'DeploymentGroupDoesNotExistException',
        `No Deployment Group found for name: ${groupName}`,
      );
    }
    const revision = isRecord(input.revision) ? input.revision : {};
    if (revision.revisionType !== 'AppSpecContent' || !isRecord(revision.appSpecContent)) {
      throw new AwsError(
        'InvalidRevisionException',
        'An ECS deployment needs a revision of type AppSpecContent.',
      ); // wording approximated
    }
    const content = String(revision.appSpecContent.content ?? '');
    const sha256 = revision.appSpecContent.sha256;
    if (sha256 !== undefined && sha256 !== createHash('sha256').update(content).digest('hex')) {
      throw new AwsError('InvalidRevisionException', 'The sha256 of the AppSpec content does not match.'); // wording approximated
    }
    let taskDefinition: string | undefined;
    try {
      const spec = JSON.parse(content) as { Resources?: Array<Record<string, unknown>> };
      const target = spec.Resources?.[0]?.TargetService as
        { Properties?: { TaskDefinition?: string } } | undefined;
      taskDefinition = target?.Properties?.TaskDefinition;
    } catch {
      taskDefinition = undefined;
    }
    if (taskDefinition === undefined || this.ecs.taskDefinition(taskDefinition) === undefined) {
      throw new AwsError(
        'InvalidRevisionException',
        'The AppSpec does not name a registered task definition.',
      ); // wording approximated
    }
    const active = [...this.deployments.values()].find(
      (d) =>
        d.application === application && d.deploymentGroup === groupName && this.status(d) === 'InProgress',
    );
    if (active !== undefined) {
      throw new AwsError(
        'DeploymentLimitExceededException',
        `The Deployment Group '${groupName}' already has an active Deployment '${active.deploymentId}'`, // wording approximated
      );
    }
    const ecsDeployment = this.ecs.startTaskSetDeployment(group.cluster, group.service, taskDefinition);
    if (ecsDeployment === undefined) {
      throw new AwsError(
        'DeploymentGroupDoesNotExistException',
        `The ECS service ${group.service} does not exist.`,
      ); // wording approximated
    }
    const deploymentId = `d-${randomBytes(6).toString('hex').toUpperCase().slice(0, 9)}`;
    this.deployments.set(deploymentId, {
      deploymentId,
      application,
      deploymentGroup: groupName,
      deploymentConfig: String(
        input.deploymentConfigName ?? group.deploymentConfig ?? 'CodeDeployDefault.ECSAllAtOnce',
      ),
      description: typeof input.description === 'string' ? input.description : undefined,
      appSpec: content,
      taskDefinition,
      ecsDeploymentId: ecsDeployment.id,
      cluster: group.cluster,
      service: group.service,
      createdAt: this.now(),
      rolledBack: false,
    });
    return { deploymentId };
  }

  /** The status CodeDeploy reports, from the ECS deployment that carries the deployment out. */
  private status(record: CodeDeployRecord): string {
    if (record.rolledBack) return 'Failed';
    const deployment = this.ecs
      .deployments(record.cluster, record.service)
      .find((d) => d.id === record.ecsDeploymentId);
    if (deployment === undefined) return 'Succeeded';
    if (deployment.rolloutState === 'COMPLETED') return 'Succeeded';
    if (deployment.failedTasks >= this.failedTasksLimit) {
      // CodeDeploy stops a deployment whose replacement tasks fail, and rolls back to the original task set.
      record.rolledBack = true;
      const previous = this.ecs.service(record.cluster, record.service)?.lastCompleted?.taskDefinition;
      if (previous !== undefined) this.ecs.startTaskSetDeployment(record.cluster, record.service, previous);
      return 'Failed';
    }
    return 'InProgress';
  }

  // https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_GetDeployment.html
  private getDeployment(input: Record<string, unknown>): unknown {
    const id = String(input.deploymentId ?? '');
    const record = this.deployments.get(id);
    if (record === undefined)
      throw new AwsError('DeploymentDoesNotExistException', `The deployment ${id} could not be found.`); // wording approximated
    const status = this.status(record);
    const deployment = this.ecs
      .deployments(record.cluster, record.service)
      .find((d) => d.id === record.ecsDeploymentId);
    return {
      deploymentInfo: {
        applicationName: record.application,
        deploymentGroupName: record.deploymentGroup,
        deploymentConfigName: record.deploymentConfig,
        deploymentId: record.deploymentId,
        computePlatform: 'ECS',
        status,
        createTime: record.createdAt / 1000,
        ...(status === 'Succeeded' || status === 'Failed' ? { completeTime: this.now() / 1000 } : {}),
        ...(record.description === undefined ? {} : { description: record.description }),
        revision: {
          revisionType: 'AppSpecContent',
          appSpecContent: {
            content: record.appSpec,
            sha256: createHash('sha256').update(record.appSpec).digest('hex'),
          },
        },
        deploymentOverview: {
          Pending: status === 'InProgress' ? 1 : 0,
          InProgress: status === 'InProgress' ? 1 : 0,
          Succeeded: status === 'Succeeded' ? 1 : 0,
          Failed: status === 'Failed' ? 1 : 0,
          Skipped: 0,
          Ready: 0,
        },
        ...(status === 'Failed'
          ? {
              errorInformation: {
                code: 'ECS_UPDATE_ERROR',
                message: `The ECS service could not reach a steady state: ${deployment?.failedTasks ?? this.failedTasksLimit} replacement tasks failed to start.`, // wording approximated
              },
              rollbackInfo: { rollbackMessage: 'CodeDeploy rolled back to the original task set.' }, // wording approximated
            }
          : {}),
      },
    };
  }
}
