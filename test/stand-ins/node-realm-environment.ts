// Jest runs each test file in its own vm realm, so errors that Node's own modules raise (http's "socket hang up",
// ECONNRESET) are not `instanceof Error` there. The AWS SDK's retry middleware tests exactly that and, failing it,
// replaces the error with a bare "AWS SDK error wrapper for ..." Error that has lost `name` and `code`: a Jest-only
// artefact that production (one realm) never sees. Test files about network faults opt in with a docblock
// `@jest-environment ./test/stand-ins/node-realm-environment.ts` to give the realm Node's own Error.
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import { TestEnvironment } from 'jest-environment-node';

/** The Node test environment with the host realm's `Error` constructor. */
export default class NodeRealmEnvironment extends TestEnvironment {
  /** @see TestEnvironment */
  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.global.Error = Error;
  }
}
