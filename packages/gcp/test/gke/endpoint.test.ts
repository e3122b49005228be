import type { GkeCluster } from '../../src/gke/cluster.js';
import { chooseEndpoint } from '../../src/gke/endpoint.js';
import type { EndpointMode } from '../../src/gke/endpoint.js';

const cluster = (over: Partial<GkeCluster>): GkeCluster => ({
  project: 'p',
  location: 'l',
  name: 'prod',
  status: 'RUNNING',
  version: '1.33',
  publicEndpoint: undefined,
  privateEndpoint: undefined,
  dnsEndpoint: undefined,
  dnsAllowExternalTraffic: false,
  caData: 'Q0E=',
  autopilot: false,
  ...over,
});

const all = cluster({
  publicEndpoint: '34.1.2.3',
  privateEndpoint: '10.0.0.2',
  dnsEndpoint: 'gke-1.l.gke.goog',
  dnsAllowExternalTraffic: true,
});
const dnsOnly = cluster({
  privateEndpoint: '10.0.0.2',
  dnsEndpoint: 'gke-1.l.gke.goog',
  dnsAllowExternalTraffic: true,
});
const privateOnly = cluster({
  privateEndpoint: '10.0.0.2',
  dnsEndpoint: 'gke-1.l.gke.goog',
  dnsAllowExternalTraffic: false,
});

describe('chooseEndpoint', () => {
  it.each<{ c: GkeCluster; mode: EndpointMode; expected: unknown }>([
    { c: all, mode: 'auto', expected: { kind: 'public', server: 'https://34.1.2.3', caData: 'Q0E=' } },
    {
      c: dnsOnly,
      mode: 'auto',
      expected: { kind: 'dns', server: 'https://gke-1.l.gke.goog', caData: undefined },
    },
    {
      c: privateOnly,
      mode: 'auto',
      expected: { kind: 'private', server: 'https://10.0.0.2', caData: 'Q0E=' },
    },
    { c: all, mode: 'dns', expected: { kind: 'dns', server: 'https://gke-1.l.gke.goog', caData: undefined } },
    { c: all, mode: 'private', expected: { kind: 'private', server: 'https://10.0.0.2', caData: 'Q0E=' } },
    {
      c: dnsOnly,
      mode: 'public',
      expected: { problem: expect.stringContaining('public endpoint of cluster prod is disabled') },
    },
    {
      c: privateOnly,
      mode: 'dns',
      expected: { problem: expect.stringContaining('does not allow external traffic') },
    },
    {
      c: cluster({}),
      mode: 'auto',
      expected: { problem: expect.stringContaining('has no endpoint this runner can use') },
    },
  ])('$mode on $c.publicEndpoint/$c.dnsEndpoint/$c.privateEndpoint', ({ c, mode, expected }) => {
    expect(chooseEndpoint(c, mode)).toEqual(expected);
  });
});
