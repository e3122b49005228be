// deploy-ecs on a service with the CODE_DEPLOY deployment controller: ECS refuses a new task definition through
// UpdateService, so the bundled action starts a CodeDeploy deployment whose AppSpec names the new revision, and
// follows it. Both stand-ins share one clock; GetDeployment moves it 4 simulated seconds per call.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../harness/action-manifest.js';
import { runAction } from '../harness/run-action.js';
import type { ActionRun } from '../harness/run-action.js';
import { CodeDeployStandIn, EcsStandIn, TEST_CREDENTIALS } from '../stand-ins/index.js';

const ACTION = join(REPO_ROOT, 'actions', 'deploy-ecs');
const REGION = 'eu-west-1';
let ecs: EcsStandIn;
let codedeploy: CodeDeployStandIn;

beforeEach(async () => {
  ecs = new EcsStandIn({ region: REGION, clusters: ['prod'] });
  codedeploy = new CodeDeployStandIn({
    ecs,
    region: REGION,
    tickMs: 4000,
    groups: [
      { application: 'AppECS-prod-web', deploymentGroup: 'DgpECS-prod-web', cluster: 'prod', service: 'web' },
    ],
  });
  await Promise.all([ecs.start(), codedeploy.start()]);
  const td = ecs.seedTaskDefinition({
    family: 'web',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'app', image: 'nginx:1', portMappings: [{ containerPort: 8080 }] }],
  });
  ecs.seedService({
    cluster: 'prod',
    serviceName: 'web',
    taskDefinition: td.taskDefinitionArn,
    desiredCount: 1,
    launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } },
    deploymentController: { type: 'CODE_DEPLOY' },
    loadBalancers: [
      {
        targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/blue/1',
        containerName: 'app',
        containerPort: 8080,
      },
    ],
  });
  ecs.clearJournal();
});
afterEach(() => Promise.all([ecs.stop(), codedeploy.stop()]));

function deploy(inputs: Record<string, string>): Promise<ActionRun> {
  return runAction(ACTION, {
    inputs: { cluster: 'prod', service: 'web', 'poll-interval': '200ms', timeout: '2m', ...inputs },
    env: {
      AWS_ENDPOINT_URL_ECS: ecs.url,
      AWS_ENDPOINT_URL_CODEDEPLOY: codedeploy.url,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    secrets: [TEST_CREDENTIALS.secretAccessKey],
    timeoutMs: 60_000,
  });
}

const errors = (run: ActionRun) => run.annotations.filter((a) => a.level === 'error').map((a) => a.message);

describe('CODE_DEPLOY services', () => {
  it('creates a CodeDeploy deployment with an AppSpec for the new revision and follows it to Succeeded', async () => {
    const run = await deploy({ image: 'nginx:2' });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(ecs.calls('UpdateService')).toEqual([]);
    const [create] = codedeploy.calls('CreateDeployment');
    const body = create?.body as {
      applicationName: string;
      deploymentGroupName: string;
      revision: { revisionType: string; appSpecContent: { content: string; sha256: string } };
    };
    expect(body).toMatchObject({
      applicationName: 'AppECS-prod-web',
      deploymentGroupName: 'DgpECS-prod-web',
      revision: { revisionType: 'AppSpecContent' },
    });
    expect(body.revision.appSpecContent.content).toMatch(/^\{\n {2}"version": 0\.0,/);
    expect(JSON.parse(body.revision.appSpecContent.content)).toEqual({
      version: 0,
      Resources: [
        {
          TargetService: {
            Type: 'AWS::ECS::Service',
            Properties: {
              TaskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2',
              LoadBalancerInfo: { ContainerName: 'app', ContainerPort: 8080 },
              PlatformVersion: 'LATEST',
              NetworkConfiguration: {
                AwsvpcConfiguration: { Subnets: ['subnet-1'], SecurityGroups: ['sg-1'] },
              },
            },
          },
        },
      ],
    });
    expect(run.outputs['deployment-id']).toMatch(/^d-[0-9A-F]{9}$/);
    expect(run.outputs['rollout-state']).toBe('COMPLETED');
    expect(ecs.service('prod', 'web')?.taskDefinition).toBe(
      'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2',
    );
  }, 60_000);

  it('a CodeDeploy deployment that fails ends red with CodeDeploy’s reason', async () => {
    const run = await deploy({ image: 'nginx:bad' });
    expect(run.exitCode).toBe(1);
    expect(errors(run)[0]).toMatch(
      /^deploy-ecs: CodeDeploy deployment d-[0-9A-F]{9} of web failed: ECS_UPDATE_ERROR: The ECS service could not reach a steady state: \d+ replacement tasks failed to start; CodeDeploy rolled back to the original task set\. Console: https:\/\/eu-west-1\.console\.aws\.amazon\.com\/codesuite\/codedeploy\/deployments\/d-/,
    );
    expect(run.outputs['rollout-state']).toBe('FAILED');
  }, 60_000);

  it('refuses inputs CodeDeploy does not drive, before registering anything', async () => {
    const run = await deploy({ image: 'nginx:2', 'deployment-strategy': 'CANARY' });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toEqual([
      'deploy-ecs: input `deployment-strategy`: cannot be changed on web: it uses the CODE_DEPLOY controller, whose deployments CodeDeploy drives',
    ]);
    expect(ecs.calls('RegisterTaskDefinition')).toEqual([]);
    expect(codedeploy.journal).toEqual([]);
  }, 60_000);
});
