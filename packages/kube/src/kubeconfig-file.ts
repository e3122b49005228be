/**
 * A kubeconfig for the steps after the deploy (`kubectl`, `helm`): the cluster's endpoint and CA, and either the
 * command that mints a fresh token (`aws eks get-token`, `gke-gcloud-auth-plugin`, the way `aws eks
 * update-kubeconfig` and `gcloud container clusters get-credentials` write it) or, only when asked, the current
 * token itself.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** How the kubeconfig's user authenticates. */
export type KubeconfigCredential =
  | { kind: 'token'; token: string }
  | {
      kind: 'exec';
      command: string;
      args: string[];
      env?: Record<string, string>;
      installHint?: string;
      provideClusterInfo?: boolean;
    };

/** What goes into the kubeconfig. */
export interface KubeconfigSpec {
  name: string;
  server: string;
  caData?: string;
  namespace?: string;
  credential: KubeconfigCredential;
}

/** The kubeconfig as YAML. */
export function renderKubeconfig(spec: KubeconfigSpec): string {
  const user =
    spec.credential.kind === 'token'
      ? { token: spec.credential.token }
      : {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: spec.credential.command,
            args: spec.credential.args,
            ...(spec.credential.env === undefined
              ? {}
              : { env: Object.entries(spec.credential.env).map(([name, value]) => ({ name, value })) }),
            interactiveMode: 'Never',
            ...(spec.credential.installHint === undefined
              ? {}
              : { installHint: spec.credential.installHint }),
            ...(spec.credential.provideClusterInfo === true ? { provideClusterInfo: true } : {}),
          },
        };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: spec.name,
        cluster: {
          server: spec.server,
          ...(spec.caData === undefined ? {} : { 'certificate-authority-data': spec.caData }),
        },
      },
    ],
    users: [{ name: spec.name, user }],
    contexts: [
      {
        name: spec.name,
        context: {
          cluster: spec.name,
          user: spec.name,
          ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
        },
      },
    ],
    'current-context': spec.name,
  });
}

/** Writes a kubeconfig into `dir` (the runner's temp directory), readable by the owner only; returns its path. */
export async function writeKubeconfigFile(dir: string, text: string): Promise<string> {
  const path = join(dir, `slipway-kubeconfig-${randomBytes(6).toString('hex')}.yaml`);
  await writeFile(path, text, { mode: 0o600 });
  return path;
}
