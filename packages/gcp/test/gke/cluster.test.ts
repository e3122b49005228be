import { clusterFromResource, getGkeCluster, parseClusterRef } from '../../src/gke/cluster.js';

const REF = { project: 'p', location: 'us-central1', name: 'prod' };

describe('parseClusterRef', () => {
  it.each([
    {
      cluster: 'projects/p/locations/us-central1/clusters/prod',
      location: undefined,
      project: undefined,
      ref: REF,
    },
    {
      cluster: 'projects/p/zones/us-central1-a/clusters/prod',
      location: undefined,
      project: undefined,
      ref: { project: 'p', location: 'us-central1-a', name: 'prod' },
    },
    { cluster: 'prod', location: 'us-central1', project: 'p', ref: REF },
  ])('$cluster', ({ cluster, location, project, ref }) => {
    expect(parseClusterRef(cluster, location, project)).toEqual(ref);
  });

  it.each([
    { cluster: 'prod', location: undefined, project: 'p', problem: /needs its location/ },
    { cluster: 'prod', location: 'us-central1', project: undefined, problem: /needs its project/ },
    { cluster: 'clusters/prod', location: 'x', project: 'p', problem: /neither a cluster name nor/ },
  ])('$cluster without what it needs', ({ cluster, location, project, problem }) => {
    const result = parseClusterRef(cluster, location, project);
    expect('problem' in result && result.problem).toMatch(problem);
  });
});

describe('clusterFromResource', () => {
  it.each([
    {
      name: 'a public cluster',
      body: { status: 'RUNNING', endpoint: '34.1.2.3', masterAuth: { clusterCaCertificate: 'Q0E=' } },
      expected: {
        publicEndpoint: '34.1.2.3',
        privateEndpoint: undefined,
        dnsEndpoint: undefined,
        caData: 'Q0E=',
        autopilot: false,
      },
    },
    {
      name: 'a private cluster without a public endpoint',
      body: {
        status: 'RUNNING',
        endpoint: '10.0.0.2',
        privateClusterConfig: { enablePrivateEndpoint: true, privateEndpoint: '10.0.0.2' },
      },
      expected: { publicEndpoint: undefined, privateEndpoint: '10.0.0.2' },
    },
    {
      name: 'a DNS-endpoint Autopilot cluster with the IP endpoint off',
      body: {
        status: 'RUNNING',
        autopilot: { enabled: true },
        controlPlaneEndpointsConfig: {
          dnsEndpointConfig: { endpoint: 'gke-1.us-central1.gke.goog', allowExternalTraffic: true },
          ipEndpointsConfig: { enablePublicEndpoint: false, privateEndpoint: '10.0.0.9' },
        },
      },
      expected: {
        publicEndpoint: undefined,
        privateEndpoint: '10.0.0.9',
        dnsEndpoint: 'gke-1.us-central1.gke.goog',
        dnsAllowExternalTraffic: true,
        autopilot: true,
      },
    },
  ])('reads $name', ({ body, expected }) => {
    expect(clusterFromResource(REF, body)).toMatchObject(expected);
  });
});

describe('getGkeCluster', () => {
  it('GETs the v1 resource URL, retrying server errors', async () => {
    const urls: string[] = [];
    let attempts = 0;
    const get = (url: string) => {
      urls.push(url);
      attempts += 1;
      if (attempts === 1)
        return Promise.reject(Object.assign(new Error('unavailable'), { response: { status: 503 } }));
      return Promise.resolve({
        status: 'RUNNING',
        endpoint: '34.1.2.3',
        masterAuth: { clusterCaCertificate: 'Q0E=' },
      });
    };
    const cluster = await getGkeCluster(REF, get, {
      apiEndpoint: 'http://127.0.0.1:9/',
      retry: { sleep: () => Promise.resolve() },
    });
    expect(cluster.publicEndpoint).toBe('34.1.2.3');
    expect(urls).toEqual([
      'http://127.0.0.1:9/v1/projects/p/locations/us-central1/clusters/prod',
      'http://127.0.0.1:9/v1/projects/p/locations/us-central1/clusters/prod',
    ]);
  });

  it.each(['PROVISIONING', 'STOPPING', 'ERROR'])('refuses a %s cluster', async (status) => {
    await expect(getGkeCluster(REF, () => Promise.resolve({ status }))).rejects.toThrow(
      `GKE cluster prod in us-central1 is ${status}, not RUNNING`,
    );
  });
});
