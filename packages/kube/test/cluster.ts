// A Kubernetes API stand-in and a @slipway/kube client for it, for the tests that need a server.
import { KubeStandIn } from '../../../test/stand-ins/kube.js';
import type { KubeStandInOptions } from '../../../test/stand-ins/kube.js';
import { Clock } from '../../../test/stand-ins/clock.js';
import { clientFromKubeconfig } from '../src/connection.js';
import type { ConnectionHooks } from '../src/connection.js';
import type { KubeClient } from '../src/client.js';

export const TOKEN = 'unit-test-token-000000000000';

/** A started stand-in on a frozen clock, and a client with instant retries. */
export async function startCluster(
  opts: Omit<KubeStandInOptions, 'tokens' | 'clock'> = {},
  hooks: ConnectionHooks = {},
): Promise<{ kube: KubeStandIn; client: KubeClient; clock: Clock }> {
  const clock = new Clock(Date.UTC(2030, 0, 1));
  const kube = new KubeStandIn({ ...opts, clock, tokens: { [TOKEN]: 'tester' } });
  await kube.start();
  const { client } = clientFromKubeconfig(
    kube.kubeconfig({ token: TOKEN }),
    {},
    { sleep: () => Promise.resolve(), ...hooks },
  );
  return { kube, client, clock };
}
