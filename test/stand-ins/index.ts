// Local stand-ins for the clouds Slipway talks to: real wire protocols over HTTP on 127.0.0.1.
export { ANY_OPERATION, StandIn } from './base.js';
export type {
  Fault,
  FaultKind,
  JournalEntry,
  StandInOptions,
  StandInRequest,
  StandInResponse,
} from './base.js';
export { Clock } from './clock.js';
export { formatAmzDate, verifySigV4 } from './sigv4.js';
export type { AwsCredential, SigV4Failure, SigV4Policy, SigV4Success } from './sigv4.js';
export { AwsError, AwsJsonStandIn, TEST_CREDENTIALS } from './aws-json.js';
export type { AwsContext, AwsHandler, AwsJsonOptions } from './aws-json.js';
export { EcrStandIn } from './ecr.js';
export type { EcrIssuedToken, EcrRepository, EcrRepositoryState, EcrStandInOptions } from './ecr.js';
export { DEFAULT_GITHUB_TOKEN, GITHUB_OPERATIONS, GitHubStandIn } from './github.js';
export type {
  CommentSeed,
  GitHubComment,
  GitHubStandInOptions,
  GitHubTokenConfig,
  GitHubUser,
  StoredComment,
} from './github.js';
export { GraphqlSyntaxError, parseOperation } from './graphql-document.js';
export type { GraphqlField, GraphqlOperation } from './graphql-document.js';
export { KubeApiError, KubeStandIn } from './kube.js';
export type { ImageBehaviour, KubeObject, KubeStandInOptions, NodeSeed, PodTiming, SimNode } from './kube.js';
export { eksTokenAuthenticator, gkeTokenAuthenticator } from './kube-auth.js';
export type { EksTokenRejection, KubeUser, TokenAuthenticator } from './kube-auth.js';
export { testTls } from './kube-tls.js';
export type { TestTls } from './kube-tls.js';
export { StsStandIn } from './sts.js';
export type { PresignVerdict, StsStandInOptions } from './sts.js';
export { EksStandIn } from './eks.js';
export type { EksClusterSeed, EksStandInOptions } from './eks.js';
export { GkeStandIn } from './gke.js';
export type { GkeClusterSeed, GkeStandInOptions, IssuedGoogleToken } from './gke.js';
export { DEFAULT_ECS_TIMING, EcsStandIn, defaultTaskBehaviour } from './ecs.js';
export type {
  EcsClusterRecord,
  EcsContainerRecord,
  EcsDeploymentRecord,
  EcsServiceRecord,
  EcsStandInOptions,
  EcsTag,
  EcsTaskDefinitionRecord,
  EcsTaskRecord,
  EcsTiming,
  TaskBehaviour,
  TaskBehaviourInput,
  TaskOutcome,
} from './ecs.js';
export { CodeDeployStandIn } from './codedeploy.js';
export type { CodeDeployGroup, CodeDeployRecord, CodeDeployStandInOptions } from './codedeploy.js';
export { startEksCluster, startGkeCluster } from './kube-cluster.js';
export type { EksTestCluster, GkeTestCluster, TestClusterOptions } from './kube-cluster.js';
export {
  CLOUD_RUN_OPERATIONS,
  CONTAINER_FAILED_MESSAGE,
  CloudRunStandIn,
  GoogleApiError,
  defaultImageOutcome,
  type CloudRunStandInOptions,
  type ImageOutcome,
  type JsonObject as CloudRunJson,
  type ServiceResource,
  type TaskOutcome as CloudRunTaskOutcome,
} from './cloud-run.js';
export {
  DEFAULT_OIDC_REQUEST_TOKEN,
  GOOGLE_STS_OPERATIONS,
  GoogleStsStandIn,
  type GoogleStsStandInOptions,
  type IssuedGoogleToken as GoogleStsToken,
  type OidcClaims,
  type TokenVerdict,
} from './google-sts.js';
export { ELBV2_NAMESPACE, ELBV2_VERSION, ElbError, Elbv2StandIn } from './elbv2.js';
export type {
  ElbAction,
  ElbCondition,
  ElbForwardConfig,
  ElbListenerRecord,
  ElbLoadBalancerRecord,
  ElbRuleRecord,
  ElbTargetGroupRecord,
  ElbTargetGroupTuple,
  ElbTargetRecord,
  ElbWeightChange,
  Elbv2StandInOptions,
} from './elbv2.js';
export { CloudWatchStandIn } from './cloudwatch.js';
export type {
  AlarmSeed,
  AlarmState,
  AlarmStateChange,
  CloudWatchAlarmRecord,
  CloudWatchStandInOptions,
} from './cloudwatch.js';
export { CandidateApp } from './candidate-app.js';
export type { AppBehaviour, CandidateAppOptions } from './candidate-app.js';
