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
