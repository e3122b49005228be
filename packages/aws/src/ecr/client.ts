/**
 * ECR clients. `maxAttempts: 1` turns the SDK's own retries off so that `retry()` from `@slipway/core`, wrapped
 * around every call in this module, is the one policy in effect (one backoff, one deadline, one log line).
 */
import { ECRClient } from '@aws-sdk/client-ecr';

/**
 * An ECR client for `region`. Credentials, endpoint (`AWS_ENDPOINT_URL_ECR`) and the rest come from the standard
 * AWS configuration chain.
 */
export function createEcrClient(region: string): ECRClient {
  return new ECRClient({ region, maxAttempts: 1 });
}

/** One client per region, made on first use: images in several regions log in to each region once. */
export function ecrClientsByRegion(
  create: (region: string) => ECRClient = createEcrClient,
): (region: string) => ECRClient {
  const clients = new Map<string, ECRClient>();
  return (region) => {
    let client = clients.get(region);
    if (client === undefined) {
      client = create(region);
      clients.set(region, client);
    }
    return client;
  };
}
