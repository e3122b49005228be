/**
 * Opening each platform's router, and the CloudWatch alarms. Loaded with `import()` after the inputs are valid,
 * so a bad input never loads a cloud SDK; each platform loads only its own.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError, describeError, log, mask } from '@slipway/core';
import type { TrafficRouter } from '@slipway/core';
import type { AlarmSource } from './gates.js';
import type { Inputs } from './inputs.js';

/** A router and a label for the summary. */
export interface OpenRouter {
  router: TrafficRouter;
  label: string;
}

const retryLog = (call: string, e: unknown, attempt: number, delayMs: number) =>
  log.info(`${call}: ${describeError(e)}; retrying in ${delayMs} ms (attempt ${attempt + 1})`);

/** Opens the router the inputs describe; `stable` overrides the input (the post step passes what main saw). */
export async function openRouter(
  inputs: Inputs,
  env: Record<string, string | undefined>,
  stable: string | undefined = inputs.stable,
): Promise<OpenRouter> {
  const target = inputs.target;
  if (target.platform === 'cloudrun') {
    const [{ readCredentialsFile, createAuthClient, describeIdentity }, run] = await Promise.all([
      import('@slipway/gcp/auth'),
      import('@slipway/gcp/run'),
    ]);
    const credentials = readCredentialsFile(env, (path) => readFileSync(path, 'utf8'));
    for (const secret of credentials?.secrets ?? []) mask(secret);
    const project =
      target.projectId ??
      env.GOOGLE_CLOUD_PROJECT?.trim() ??
      env.GCLOUD_PROJECT?.trim() ??
      env.CLOUDSDK_CORE_PROJECT?.trim() ??
      credentials?.projectId;
    if (project === undefined || project === '')
      throw new InputError([
        {
          input: 'project-id',
          message: 'is required: set it, or let google-github-actions/auth export GOOGLE_CLOUD_PROJECT',
        },
      ]);
    const endpoint = run.parseApiEndpoint(target.apiEndpoint ?? run.DEFAULT_RUN_ENDPOINT);
    if ('error' in endpoint) throw new InputError([{ input: 'api-endpoint', message: endpoint.error }]);
    log.info(`Authenticating with ${describeIdentity(credentials)}; project ${project}`);
    const authClient = await createAuthClient(credentials, { projectId: project });
    const api = run.createRunApi({ authClient, endpoint, onRetry: retryLog });
    const name = `projects/${project}/locations/${target.region}/services/${target.service}`;
    const router = run.createCloudRunRouter(api, {
      service: name,
      candidate: inputs.candidate,
      ...(stable === undefined ? {} : { stable }),
      previewTag: target.previewTag,
      timeoutMs: Math.min(inputs.timeoutMs, 10 * 60_000),
    });
    return { router, label: `Cloud Run service \`${target.service}\` (${project}, ${target.region})` };
  }
  if (target.platform === 'ecs') {
    const elb = await import('@slipway/aws/elb');
    const api = await elb.loadElbApi({ region: inputs.awsRegion, onRetry: retryLog });
    const router = elb.createAlbRouter(api, {
      ...(target.listenerArn === undefined ? {} : { listenerArn: target.listenerArn }),
      ...(target.ruleArn === undefined ? {} : { ruleArn: target.ruleArn }),
      candidate: inputs.candidate,
      ...(stable === undefined ? {} : { stable }),
      ...(target.testListenerArn === undefined ? {} : { testListenerArn: target.testListenerArn }),
    });
    const where = target.ruleArn ?? target.listenerArn ?? '';
    return {
      router,
      label: `ALB ${where.includes('listener-rule') ? 'rule' : 'listener'} \`${shortArn(where)}\``,
    };
  }
  const kube = await import('@slipway/kube');
  const text = target.kubeconfig ?? readKubeconfigFile(env);
  const { client, connection } = kube.clientFromKubeconfig(
    text,
    {
      ...(target.context === undefined ? {} : { context: target.context }),
      baseDir: env.GITHUB_WORKSPACE ?? process.cwd(),
      onToken: (token: string) => mask(token),
    },
    { onWarning: (w: string) => log.warning(`Kubernetes API: ${w}`) },
  );
  log.info(`Using the kubeconfig's context ${connection.contextName} (${connection.server})`);
  if (target.httpRoute !== undefined) {
    const router = kube.createHttpRouteRouter(client, {
      namespace: target.namespace,
      route: target.httpRoute,
      candidate: inputs.candidate,
      ...(stable === undefined ? {} : { stable }),
    });
    return { router, label: `HTTPRoute \`${target.namespace}/${target.httpRoute}\`` };
  }
  const router = kube.createServiceSelectorRouter(client, {
    namespace: target.namespace,
    service: target.service as string,
    candidate: inputs.candidate,
    ...(stable === undefined ? {} : { stable }),
    ...(target.previewService === undefined ? {} : { previewService: target.previewService }),
  });
  return { router, label: `Service \`${target.namespace}/${target.service}\` (selector switch)` };
}

function shortArn(arn: string): string {
  return arn.slice(arn.indexOf('/') + 1);
}

function readKubeconfigFile(env: Record<string, string | undefined>): string {
  const path = env.KUBECONFIG?.split(':')[0] || join(homedir(), '.kube', 'config');
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError([
      {
        input: 'kubeconfig',
        message: `is not set and ${path} cannot be read (${describeError(error)}): give the kubeconfig, or set KUBECONFIG to the kubeconfig-path output of deploy-eks/deploy-gke with write-kubeconfig: true`,
      },
    ]);
  }
}

/** CloudWatch alarms through @aws-sdk/client-cloudwatch. */
export async function openAlarms(inputs: Inputs): Promise<AlarmSource & { close(): void }> {
  const { loadAlarmsApi } = await import('@slipway/aws/elb');
  return loadAlarmsApi({ region: inputs.awsRegion, onRetry: retryLog });
}
