import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadKubeconfig } from '../src/kubeconfig.js';
import { renderKubeconfig, writeKubeconfigFile } from '../src/kubeconfig-file.js';

describe('renderKubeconfig', () => {
  it.each([
    { credential: { kind: 'token' as const, token: 'k8s-aws-v1.abc' }, user: { token: 'k8s-aws-v1.abc' } },
    {
      credential: {
        kind: 'exec' as const,
        command: 'gke-gcloud-auth-plugin',
        args: [],
        installHint: 'install it',
        provideClusterInfo: true,
      },
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: 'gke-gcloud-auth-plugin',
          args: [],
          interactiveMode: 'Never',
          installHint: 'install it',
          provideClusterInfo: true,
        },
      },
    },
  ])(
    'writes a $credential.kind user that kubectl (and loadKubeconfig) reads back',
    ({ credential, user }) => {
      const text = renderKubeconfig({
        name: 'gke_p_l_c',
        server: 'https://34.1.2.3',
        caData: Buffer.from('CA').toString('base64'),
        namespace: 'shop',
        credential,
      });
      const doc = parse(text) as { users: Array<{ user: unknown }>; 'current-context': string };
      expect(doc.users[0]?.user).toEqual(user);
      expect(doc['current-context']).toBe('gke_p_l_c');
      const back = loadKubeconfig(text);
      expect({ server: back.server, ca: back.tls.ca, namespace: back.namespace }).toEqual({
        server: 'https://34.1.2.3',
        ca: 'CA',
        namespace: 'shop',
      });
    },
  );

  it('writes the file readable by its owner only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-kubeconfig-file-'));
    try {
      const path = await writeKubeconfigFile(dir, 'apiVersion: v1\n');
      expect(await readFile(path, 'utf8')).toBe('apiVersion: v1\n');
      expect((await stat(path)).mode & 0o777).toBe(0o600);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
