// Defaulting and validation of the kinds Slipway deploys, with the API server's field paths and messages.
// References: https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/ (defaults per field) and
// https://kubernetes.io/docs/concepts/overview/working-with-objects/names/ (DNS-1123 names).
import { randomInt } from 'node:crypto';
import { clone, deepEqual, isRecord } from './kube-apply.js';
import type { KubeObject } from './kube-apply.js';
import { selectorMatches } from './kube-selectors.js';
import type { StatusCause } from './kube-status.js';

type Json = Record<string, unknown>;

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function obj(value: unknown): Json {
  return isRecord(value) ? value : {};
}

function imagePullPolicy(image: string): string {
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  if (image.includes('@')) return 'IfNotPresent';
  const colon = lastSegment.indexOf(':');
  return colon < 0 || lastSegment.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultPodSpec(podSpec: Json, restartPolicy = 'Always'): void {
  podSpec.restartPolicy ??= restartPolicy;
  podSpec.dnsPolicy ??= 'ClusterFirst';
  podSpec.schedulerName ??= 'default-scheduler';
  podSpec.terminationGracePeriodSeconds ??= 30;
  podSpec.securityContext ??= {};
  for (const list of ['containers', 'initContainers']) {
    const containers = Array.isArray(podSpec[list]) ? (podSpec[list] as unknown[]) : [];
    for (const c of containers) {
      if (!isRecord(c)) continue;
      if (typeof c.image === 'string') c.imagePullPolicy ??= imagePullPolicy(c.image);
      c.terminationMessagePath ??= '/dev/termination-log';
      c.terminationMessagePolicy ??= 'File';
      c.resources ??= {};
      if (Array.isArray(c.ports)) for (const p of c.ports) if (isRecord(p)) p.protocol ??= 'TCP';
    }
  }
}

function defaultTemplate(owner: Json, restartPolicy?: string): void {
  const template = obj(owner.template);
  if (!isRecord(owner.template)) return;
  template.metadata ??= {};
  template.spec ??= {};
  defaultPodSpec(obj(template.spec), restartPolicy);
}

/**
 * Applies the API server's defaults for a kind, in place. `uid` is the object's (new or existing) uid, which
 * a Job's generated selector uses.
 */
export function applyDefaults(object: KubeObject, uid: string): void {
  const spec = obj(object.spec);
  switch (object.kind) {
    case 'Deployment':
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };
      defaultTemplate(spec);
      break;
    case 'ReplicaSet':
      spec.replicas ??= 1;
      defaultTemplate(spec);
      break;
    case 'StatefulSet':
      spec.replicas ??= 1;
      spec.podManagementPolicy ??= 'OrderedReady';
      spec.revisionHistoryLimit ??= 10;
      spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
      defaultTemplate(spec);
      break;
    case 'DaemonSet':
      spec.revisionHistoryLimit ??= 10;
      spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
      defaultTemplate(spec);
      break;
    case 'Job': {
      spec.completions ??= 1;
      spec.parallelism ??= 1;
      spec.backoffLimit ??= 6;
      spec.completionMode ??= 'NonIndexed';
      spec.suspend ??= false;
      // Jobs get a generated selector on their own uid unless manualSelector is set.
      if (spec.manualSelector !== true && isRecord(spec.template)) {
        const labels = { 'batch.kubernetes.io/controller-uid': uid, 'controller-uid': uid };
        spec.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
        const templateMeta = obj((spec.template.metadata ??= {}));
        const name = String(obj(object.metadata).name ?? '');
        templateMeta.labels = {
          ...obj(templateMeta.labels),
          ...labels,
          'batch.kubernetes.io/job-name': name,
          'job-name': name,
        };
      }
      defaultTemplate(spec);
      break;
    }
    case 'CronJob': {
      spec.concurrencyPolicy ??= 'Allow';
      spec.suspend ??= false;
      spec.successfulJobsHistoryLimit ??= 3;
      spec.failedJobsHistoryLimit ??= 1;
      const jobSpec = obj(obj(spec.jobTemplate).spec);
      if (isRecord(obj(spec.jobTemplate).spec)) defaultTemplate(jobSpec);
      break;
    }
    case 'Pod':
      defaultPodSpec(spec);
      break;
    case 'Service': {
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      if (spec.type !== 'ExternalName' && spec.clusterIP === undefined) {
        spec.clusterIP = `10.96.${randomInt(0, 255)}.${randomInt(1, 254)}`;
        spec.clusterIPs = [spec.clusterIP];
      }
      if (Array.isArray(spec.ports)) {
        for (const p of spec.ports) {
          if (!isRecord(p)) continue;
          p.protocol ??= 'TCP';
          p.targetPort ??= p.port;
        }
      }
      break;
    }
    case 'Namespace':
      spec.finalizers ??= ['kubernetes'];
      object.status = { phase: 'Active' };
      break;
    default:
      return;
  }
  if (isRecord(object.spec) || Object.keys(spec).length > 0) object.spec = spec;
}

function podTemplateCauses(template: unknown, path: string, kind: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = obj(obj(template).spec);
  const containers = Array.isArray(spec.containers) ? (spec.containers as unknown[]) : [];
  if (containers.length === 0)
    causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${path}.containers` });
  containers.forEach((raw, i) => {
    const c = obj(raw);
    const name = c.name;
    if (typeof name !== 'string' || name === '') {
      causes.push({
        reason: 'FieldValueRequired',
        message: 'Required value',
        field: `${path}.containers[${i}].name`,
      });
    } else if (!LABEL.test(name)) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
        field: `${path}.containers[${i}].name`,
      });
    }
    if (typeof c.image !== 'string' || c.image.trim() === '') {
      causes.push({
        reason: 'FieldValueRequired',
        message: 'Required value',
        field: `${path}.containers[${i}].image`,
      });
    }
  });
  if (kind === 'Job' && spec.restartPolicy !== 'Never' && spec.restartPolicy !== 'OnFailure') {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: "${String(spec.restartPolicy ?? '')}": supported values: "OnFailure", "Never"`,
      field: `${path}.restartPolicy`,
    });
  }
  return causes;
}

function goMap(labels: Json): string {
  return `map[string]string{${Object.entries(labels)
    .map(([k, v]) => `"${k}":"${String(v)}"`)
    .join(', ')}}`;
}

/** The validation causes of an object about to be stored (empty when valid). `live` is the stored version. */
export function validate(object: KubeObject, live: KubeObject | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  const metadata = obj(object.metadata);
  const name = metadata.name;
  if (typeof name !== 'string' || name === '') {
    causes.push({
      reason: 'FieldValueRequired',
      message: 'name or generateName is required',
      field: 'metadata.name',
    });
  } else if (name.length > 253 || !SUBDOMAIN.test(name)) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      field: 'metadata.name',
    });
  }
  const spec = obj(object.spec);
  switch (object.kind) {
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet': {
      const selector = spec.selector;
      const templateLabels = obj(obj(obj(spec.template).metadata).labels) as Record<string, string>;
      if (!isRecord(selector))
        causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' });
      else if (!selectorMatches(selector as { matchLabels?: Record<string, string> }, templateLabels)) {
        causes.push({
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${goMap(templateLabels)}: \`selector\` does not match template \`labels\``,
          field: 'spec.template.metadata.labels',
        });
      }
      if (live !== undefined && isRecord(selector) && !deepEqual(obj(live.spec).selector, selector)) {
        causes.push({
          reason: 'FieldValueInvalid',
          message: `Invalid value: v1.LabelSelector${JSON.stringify(selector)}: field is immutable`,
          field: 'spec.selector',
        });
      }
      causes.push(...podTemplateCauses(spec.template, 'spec.template.spec', object.kind));
      break;
    }
    case 'Job':
      causes.push(...podTemplateCauses(spec.template, 'spec.template.spec', 'Job'));
      if (live !== undefined && !deepEqual(obj(live.spec).template, spec.template)) {
        causes.push({
          reason: 'FieldValueInvalid',
          message: 'Invalid value: field is immutable',
          field: 'spec.template',
        });
      }
      break;
    case 'CronJob':
      if (typeof spec.schedule !== 'string' || spec.schedule === '') {
        causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.schedule' });
      }
      causes.push(
        ...podTemplateCauses(
          obj(obj(spec.jobTemplate).spec).template,
          'spec.jobTemplate.spec.template.spec',
          'Job',
        ),
      );
      break;
    case 'Pod':
      causes.push(...podTemplateCauses({ spec }, 'spec', 'Pod'));
      break;
    case 'Service': {
      const ports = Array.isArray(spec.ports) ? spec.ports : [];
      if (spec.type !== 'ExternalName' && ports.length === 0) {
        causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.ports' });
      }
      break;
    }
    default:
      break;
  }
  return causes;
}

/** Content that counts for `metadata.generation`: everything but metadata and status. */
export function generationContent(object: KubeObject): unknown {
  const copy = clone(object) as Json;
  delete copy.metadata;
  delete copy.status;
  return copy;
}
