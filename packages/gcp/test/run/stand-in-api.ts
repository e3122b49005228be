// A RunApi on the real @google-cloud/run clients (REST) against a Cloud Run stand-in, for one test file: started
// before its tests, faults and journal cleared after each, closed at the end. Retries are quick; each is logged.
import { afterAll, afterEach, beforeAll } from '@jest/globals';
import { OAuth2Client } from 'google-auth-library';
import type { CloudRunStandIn } from '../../../../test/stand-ins/cloud-run.js';
import { createRunApi } from '../../src/run/index.js';
import type { RunApi } from '../../src/run/index.js';

/** Wires `run` into the file's lifecycle; `api()` is the client once started, `lines` the log. */
export function useStandInApi(run: CloudRunStandIn): { api: () => RunApi; lines: string[] } {
  let api: RunApi | undefined;
  const lines: string[] = [];
  beforeAll(async () => {
    await run.start();
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: 'token', expiry_date: Date.now() + 3_600_000 });
    const url = new URL(run.url);
    api = createRunApi({
      authClient,
      endpoint: { apiEndpoint: url.hostname, port: Number(url.port), protocol: 'http' },
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
      onRetry: (call, _e, attempt) => lines.push(`retry ${attempt}: ${call}`),
    });
  });
  afterAll(async () => {
    await api?.close();
    await run.stop();
  });
  afterEach(() => {
    run.clearFaults();
    run.clearJournal();
    lines.length = 0;
  });
  return {
    api: () => {
      if (api === undefined) throw new Error('the stand-in API is used before beforeAll');
      return api;
    },
    lines,
  };
}
