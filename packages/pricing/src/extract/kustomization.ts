/**
 * Kustomization files: recorded for the caller to resolve (extraction reads no files), with the fields that this
 * simple resolution cannot honour listed as unsupported.
 */
import type { KustomizationRef } from '../types.js';
import type { Obj } from './source-doc.js';

/** File names kustomize reads as a kustomization. */
export const KUSTOMIZATION_FILE_NAMES: readonly string[] = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
];

// Fields that cannot change what runs or how big it is, so listing `resources` and applying `namespace` resolves
// the kustomization faithfully for pricing. Everything else (patches, replicas, images, generators, components,
// bases, helmCharts, namePrefix…) needs kustomize itself.
const SUPPORTED = new Set([
  'apiVersion',
  'kind',
  'metadata',
  'resources',
  'namespace',
  'commonLabels',
  'commonAnnotations',
  'labels',
]);

/** Whether `path` names a kustomization file. */
export function isKustomizationPath(path: string): boolean {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return KUSTOMIZATION_FILE_NAMES.includes(path.slice(slash + 1));
}

/**
 * Whether a document is a kustomization (`kind: Kustomization` of kustomize's own API group; Flux's
 * `kustomize.toolkit.fluxcd.io` Kustomization is a cluster object, not this).
 */
export function isKustomizationDoc(value: Obj): boolean {
  if (value.kind !== 'Kustomization') return false;
  return typeof value.apiVersion !== 'string' || value.apiVersion.startsWith('kustomize.config.k8s.io/');
}

/** What a kustomization lists, and which of its fields go beyond a plain list of resources. */
export function readKustomization(path: string, value: Obj): KustomizationRef {
  const resources = Array.isArray(value.resources)
    ? value.resources.filter((r): r is string => typeof r === 'string')
    : [];
  const unsupported = Object.keys(value).filter((key) => !SUPPORTED.has(key));
  if (value.resources !== undefined && value.resources !== null && !Array.isArray(value.resources)) {
    unsupported.push('resources (not a list)');
  } else if (Array.isArray(value.resources) && resources.length !== value.resources.length) {
    unsupported.push('resources (entries that are not strings)');
  }
  return {
    path,
    resources,
    namespace: typeof value.namespace === 'string' ? value.namespace : null,
    unsupported,
  };
}
