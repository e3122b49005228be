/**
 * {@link CodeDeployApi} on `@aws-sdk/client-codedeploy`, loaded lazily by `loadCodeDeployApi`.
 */
import { CodeDeployClient, CreateDeploymentCommand, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { retriedCalls, sdkClientConfig } from '../sdk-client.js';
import { appSpecSha256 } from './codedeploy.js';
import type { CodeDeployApi, CodeDeployApiOptions } from './codedeploy.js';

/** Builds the SDK-backed {@link CodeDeployApi} (`maxAttempts: 1`: core's retry is the policy in effect). */
export function createSdkCodeDeployApi(options: CodeDeployApiOptions): CodeDeployApi {
  const client = new CodeDeployClient(sdkClientConfig(options));
  const call = retriedCalls(options);
  return {
    async createDeployment(input) {
      const out = await call('CreateDeployment', () =>
        client.send(
          new CreateDeploymentCommand({
            applicationName: input.application,
            deploymentGroupName: input.deploymentGroup,
            ...(input.deploymentConfig === undefined ? {} : { deploymentConfigName: input.deploymentConfig }),
            description: input.description,
            revision: {
              revisionType: 'AppSpecContent',
              appSpecContent: { content: input.appSpec, sha256: appSpecSha256(input.appSpec) },
            },
          }),
        ),
      );
      if (out.deploymentId === undefined)
        throw new Error('CreateDeployment answered without a deployment id');
      return out.deploymentId;
    },
    async getDeployment(id) {
      const out = await call('GetDeployment', () =>
        client.send(new GetDeploymentCommand({ deploymentId: id })),
      );
      if (out.deploymentInfo === undefined)
        throw new Error(`GetDeployment answered without deployment ${id}`);
      return out.deploymentInfo;
    },
  };
}
