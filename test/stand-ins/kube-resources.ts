// The API resources the stand-in serves, and the discovery documents that describe them.
// Reference: https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-uris and the discovery endpoints
// (`/api`, `/apis`, `/api/v1`, `/apis/<group>/<version>`) described in
// https://kubernetes.io/docs/concepts/overview/kubernetes-api/#discovery-api (the unaggregated form).

/** One resource of one group version, as discovery lists it. */
export interface ResourceDef {
  group: string;
  version: string;
  /** Lower-case plural (`deployments`). */
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Subresources served (`status`, `log`, `scale`). */
  subresources?: string[];
  /** Set for resources registered by a CustomResourceDefinition. */
  crd?: string;
}

const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function def(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<ResourceDef> = {},
): ResourceDef {
  return { group, version, kind, plural, singular: kind.toLowerCase(), namespaced, ...extra };
}

/** The built-in resources: what a fresh cluster (with the Gateway API CRDs installed) serves. */
export function builtinResources(): ResourceDef[] {
  return [
    def('', 'v1', 'Namespace', 'namespaces', false, { shortNames: ['ns'], subresources: ['status'] }),
    def('', 'v1', 'Node', 'nodes', false, { shortNames: ['no'], subresources: ['status'] }),
    def('', 'v1', 'Pod', 'pods', true, { shortNames: ['po'], subresources: ['status', 'log'] }),
    def('', 'v1', 'Service', 'services', true, { shortNames: ['svc'], subresources: ['status'] }),
    def('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
    def('', 'v1', 'Secret', 'secrets', true),
    def('', 'v1', 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
    def('', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
    def('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, { shortNames: ['pvc'] }),
    def('', 'v1', 'PersistentVolume', 'persistentvolumes', false, { shortNames: ['pv'] }),
    def('', 'v1', 'ResourceQuota', 'resourcequotas', true, { shortNames: ['quota'] }),
    def('', 'v1', 'LimitRange', 'limitranges', true, { shortNames: ['limits'] }),
    def('', 'v1', 'Endpoints', 'endpoints', true, { shortNames: ['ep'] }),
    def('apps', 'v1', 'Deployment', 'deployments', true, {
      shortNames: ['deploy'],
      subresources: ['status', 'scale'],
    }),
    def('apps', 'v1', 'ReplicaSet', 'replicasets', true, {
      shortNames: ['rs'],
      subresources: ['status', 'scale'],
    }),
    def('apps', 'v1', 'StatefulSet', 'statefulsets', true, {
      shortNames: ['sts'],
      subresources: ['status', 'scale'],
    }),
    def('apps', 'v1', 'DaemonSet', 'daemonsets', true, { shortNames: ['ds'], subresources: ['status'] }),
    def('apps', 'v1', 'ControllerRevision', 'controllerrevisions', true),
    def('batch', 'v1', 'Job', 'jobs', true, { subresources: ['status'] }),
    def('batch', 'v1', 'CronJob', 'cronjobs', true, { shortNames: ['cj'], subresources: ['status'] }),
    def('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, {
      shortNames: ['hpa'],
      subresources: ['status'],
    }),
    def('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, {
      shortNames: ['pdb'],
      subresources: ['status'],
    }),
    def('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, {
      shortNames: ['ing'],
      subresources: ['status'],
    }),
    def('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, { shortNames: ['netpol'] }),
    def('networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', false),
    def('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
    def('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
    def('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
    def('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
    def('storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', false, { shortNames: ['sc'] }),
    def('scheduling.k8s.io', 'v1', 'PriorityClass', 'priorityclasses', false, { shortNames: ['pc'] }),
    def('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, {
      shortNames: ['crd', 'crds'],
      subresources: ['status'],
    }),
    // Gateway API (https://gateway-api.sigs.k8s.io/reference/spec/): CRDs on a real cluster, built in here so
    // that traffic tests need no CRD set-up.
    def('gateway.networking.k8s.io', 'v1', 'GatewayClass', 'gatewayclasses', false, {
      subresources: ['status'],
    }),
    def('gateway.networking.k8s.io', 'v1', 'Gateway', 'gateways', true, { subresources: ['status'] }),
    def('gateway.networking.k8s.io', 'v1', 'HTTPRoute', 'httproutes', true, { subresources: ['status'] }),
    def('gateway.networking.k8s.io', 'v1', 'GRPCRoute', 'grpcroutes', true, { subresources: ['status'] }),
  ];
}

/** `group/version`, or `version` for the core group. */
export function groupVersion(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** Splits an apiVersion into group and version. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The APIResourceList of one group version. */
export function resourceList(group: string, version: string, defs: ResourceDef[]): unknown {
  const resources: unknown[] = [];
  for (const d of defs.filter((r) => r.group === group && r.version === version)) {
    resources.push({
      name: d.plural,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: RW,
      ...(d.shortNames === undefined ? {} : { shortNames: d.shortNames }),
      ...(d.crd === undefined &&
      ['Deployment', 'Pod', 'Service', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet'].includes(
        d.kind,
      )
        ? { categories: ['all'] }
        : {}),
    });
    for (const sub of d.subresources ?? []) {
      resources.push({
        name: `${d.plural}/${sub}`,
        singularName: '',
        namespaced: d.namespaced,
        kind: sub === 'log' ? 'Pod' : sub === 'scale' ? 'Scale' : d.kind,
        verbs: sub === 'log' ? ['get'] : ['get', 'patch', 'update'],
        ...(sub === 'scale' ? { group: 'autoscaling', version: 'v1' } : {}),
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(group, version), resources };
}

/** The APIGroupList of `/apis`: every named group, its versions, and its preferred one (the first). */
export function groupList(defs: ResourceDef[]): unknown {
  const groups = new Map<string, string[]>();
  for (const d of defs) {
    if (d.group === '') continue;
    const versions = groups.get(d.group) ?? [];
    if (!versions.includes(d.version)) versions.push(d.version);
    groups.set(d.group, versions);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => ({
      name,
      versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    })),
  };
}

/** The APIVersions of `/api`. */
export function coreVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}
