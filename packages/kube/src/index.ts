/**
 * `@slipway/kube`: Kubernetes deploys shared by deploy-eks and deploy-gke — manifests (files, globs, directories,
 * kustomize, multi-document YAML, lists), image substitution, server-side apply, rollout status, failure
 * diagnosis and rollback, over a small JSON client (node:https) and a kubeconfig reader of its own.
 * Named exports only; nothing runs at import.
 */
export { ApplyError, FIELD_MANAGER, applyObject, applyObjects } from './apply.js';
export type { AppliedObject, ApplyAction, ApplyOptions, PlannedObject } from './apply.js';
export { KubeClient, parseWarnings } from './client.js';
export type { KubeClientOptions, KubeRequest, Query, WatchEvent } from './client.js';
export { clientForEndpoint, clientFromKubeconfig } from './connection.js';
export type { ClusterEndpoint, ConnectionHooks } from './connection.js';
export {
  COMMIT_ANNOTATION,
  MANAGED_BY_LABEL,
  RUN_URL_ANNOTATION,
  TRACE_ANNOTATIONS,
  containersWithoutRequests,
  decorate,
  spotPlacement,
} from './decorate.js';
export type { Decoration, SpotPlatform } from './decorate.js';
export { deploy, prepareManifests } from './deploy.js';
export type {
  DeployOptions,
  DeployReport,
  DeployReporter,
  DeploySettings,
  PreparedManifests,
  RollbackReport,
  RolloutReport,
} from './deploy.js';
export { describeDiagnosis, diagnose, selectorString } from './diagnose.js';
export type { Diagnosis, DiagnoseOptions } from './diagnose.js';
export { canonicalYaml, comparable, objectDiff, sameObject, unifiedDiff } from './diff.js';
export { Discovery, isUnknown, objectPath, resourcesDefinedBy, splitApiVersion } from './discovery.js';
export type { ApiResource, UnknownKind } from './discovery.js';
export { KubeApiError, ManifestError, ManifestsInvalidError, isStatus } from './errors.js';
export type { KubeStatus } from './errors.js';
export { imagesOf, parseImageOverrides, substituteImages } from './images.js';
export type { ImageOverride, ImageReplacement } from './images.js';
export { execTokenProvider, loadKubeconfig } from './kubeconfig.js';
export type {
  ClusterConnection,
  Credentials,
  ExecConfig,
  LoadKubeconfigOptions,
  TlsSettings,
} from './kubeconfig.js';
export { renderKubeconfig, writeKubeconfigFile } from './kubeconfig-file.js';
export type { KubeconfigCredential, KubeconfigSpec } from './kubeconfig-file.js';
export { execRunner, kustomizeBuild, which } from './kustomize.js';
export type { CommandRunner } from './kustomize.js';
export { displayPath, findManifests, kustomizationIn } from './manifest-files.js';
export type { ManifestSource, PathProblem } from './manifest-files.js';
export { objectProblem, parseManifests } from './manifest-parse.js';
export type { ParsedManifests } from './manifest-parse.js';
export { WorkloadObserver } from './observer.js';
export type { Workload, WorkloadOutcome } from './observer.js';
export { applyRank, sortForApply } from './order.js';
export { planDeploy } from './plan.js';
export type { DeployPlan, PlanSettings, PlatformFacts, ResolvedManifest } from './plan.js';
export { containersOf, hasPodTemplate, podSpecOf } from './pod-templates.js';
export { previousTemplate, rollbackDeployment } from './rollback.js';
export type { RollbackResult } from './rollback.js';
export { WORKLOAD_KINDS, isWorkload, rolloutState } from './rollout-status.js';
export type { RolloutState, WorkloadKind } from './rollout-status.js';
export { ServerClock } from './server-clock.js';
export { appliedOutput, renderSummary } from './summary.js';
export { RenewingToken } from './token.js';
export type { RenewingTokenOptions, TokenGrant, TokenProvider } from './token.js';
export { cloneJson, describeRef, isRecord, refOf } from './types.js';
export type { KubeObject, Manifest, ObjectMeta, ObjectRef, SourceLocation } from './types.js';
export { connectWithKubeconfig, kubeRunContext, runKubeDeploy, runnerReporter } from './action-run.js';
export type { KubeActionFlavour, KubeConnection, KubeDeployInputs, KubeRunContext } from './action-run.js';
export { createHttpRouteRouter, createServiceSelectorRouter, formatLabels, parseLabels } from './traffic.js';
export type { HttpRouteRouterOptions, ServiceSelectorRouterOptions } from './traffic.js';
