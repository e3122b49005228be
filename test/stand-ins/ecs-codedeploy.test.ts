// The CodeDeploy stand-in through the real @aws-sdk/client-codedeploy: an AppSpec deployment of an ECS service on
// the CODE_DEPLOY controller, carried out by the ECS stand-in, and CodeDeploy's error types.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CodeDeployClient, CreateDeploymentCommand, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { TEST_CREDENTIALS } from './aws-json.js';
import { CodeDeployStandIn } from './codedeploy.js';
import { EcsStandIn } from './ecs.js';

const ecs = new EcsStandIn({ region: 'eu-west-1', clusters: ['prod'] });
const codedeploy = new CodeDeployStandIn({
  ecs,
  region: 'eu-west-1',
  groups: [
    { application: 'AppECS-prod-web', deploymentGroup: 'DgpECS-prod-web', cluster: 'prod', service: 'web' },
  ],
});
let client: CodeDeployClient;
let good: string;
let bad: string;

beforeAll(async () => {
  await Promise.all([ecs.start(), codedeploy.start()]);
  client = new CodeDeployClient({
    endpoint: codedeploy.url,
    region: 'eu-west-1',
    credentials: { ...TEST_CREDENTIALS },
    maxAttempts: 1,
  });
  const definition = (image: string) => ({
    family: 'web',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'app', image, portMappings: [{ containerPort: 80 }] }],
  });
  const first = ecs.seedTaskDefinition(definition('nginx:1'));
  good = String(ecs.seedTaskDefinition(definition('nginx:2')).taskDefinitionArn);
  bad = String(ecs.seedTaskDefinition(definition('nginx:bad')).taskDefinitionArn);
  ecs.seedService({
    cluster: 'prod',
    serviceName: 'web',
    taskDefinition: first.taskDefinitionArn,
    desiredCount: 1,
    launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
    deploymentController: { type: 'CODE_DEPLOY' },
    loadBalancers: [{ targetGroupArn: 'tg', containerName: 'app', containerPort: 80 }],
  });
});
afterAll(() => Promise.all([ecs.stop(), codedeploy.stop()]));

function appSpec(taskDefinition: string): { content: string; sha256: string } {
  const content = JSON.stringify({
    version: 0.0,
    Resources: [
      {
        TargetService: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: taskDefinition,
            LoadBalancerInfo: { ContainerName: 'app', ContainerPort: 80 },
          },
        },
      },
    ],
  });
  return { content, sha256: createHash('sha256').update(content).digest('hex') };
}

function create(taskDefinition: string, overrides: Record<string, unknown> = {}) {
  return client.send(
    new CreateDeploymentCommand({
      applicationName: 'AppECS-prod-web',
      deploymentGroupName: 'DgpECS-prod-web',
      revision: { revisionType: 'AppSpecContent', appSpecContent: appSpec(taskDefinition) },
      ...overrides,
    }),
  );
}

async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).name;
  }
  throw new Error('expected a rejection');
}

describe('CodeDeploy stand-in', () => {
  it('deploys the AppSpec’s task definition through ECS: InProgress, then Succeeded', async () => {
    const { deploymentId } = await create(good);
    expect(deploymentId).toMatch(/^d-[0-9A-F]{9}$/);
    const started = await client.send(new GetDeploymentCommand({ deploymentId }));
    expect(started.deploymentInfo).toMatchObject({
      status: 'InProgress',
      computePlatform: 'ECS',
      applicationName: 'AppECS-prod-web',
    });
    expect(await errorName(create(good))).toBe('DeploymentLimitExceededException');
    ecs.runUntilIdle();
    const done = await client.send(new GetDeploymentCommand({ deploymentId }));
    expect(done.deploymentInfo?.status).toBe('Succeeded');
    expect(ecs.service('prod', 'web')?.taskDefinition).toBe(good);
  });

  it('fails a deployment whose tasks do not start, with an error code, and goes back to the original task set', async () => {
    const { deploymentId } = await create(bad);
    ecs.advance(60_000);
    const failed = await client.send(new GetDeploymentCommand({ deploymentId }));
    expect(failed.deploymentInfo).toMatchObject({
      status: 'Failed',
      errorInformation: { code: 'ECS_UPDATE_ERROR' },
    });
    ecs.runUntilIdle();
    expect(ecs.service('prod', 'web')?.taskDefinition).toBe(good);
  });

  it.each([
    {
      case: 'an unknown application',
      overrides: { applicationName: 'nope' },
      name: 'ApplicationDoesNotExistException',
    },
    {
      case: 'an unknown deployment group',
      overrides: { deploymentGroupName: 'nope' },
      name: 'DeploymentGroupDoesNotExistException',
    },
    {
      case: 'a sha256 that does not match',
      overrides: {
        revision: {
          revisionType: 'AppSpecContent',
          appSpecContent: { content: appSpec(good).content, sha256: '00' },
        },
      },
      name: 'InvalidRevisionException',
    },
    {
      case: 'an S3 revision',
      overrides: { revision: { revisionType: 'S3', s3Location: { bucket: 'b', key: 'k' } } },
      name: 'InvalidRevisionException',
    },
  ])('refuses $case with $name', async ({ overrides, name }) => {
    expect(await errorName(create(good, overrides))).toBe(name);
  });
});
