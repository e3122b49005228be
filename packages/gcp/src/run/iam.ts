/**
 * `allow-unauthenticated`: the `allUsers` member of `roles/run.invoker` on a service
 * (https://cloud.google.com/run/docs/authenticating/public), added or removed by a read-modify-write of the
 * service's IAM policy that keeps every other binding and sends the etag it read.
 */
import { clone } from './normalize.js';
import type { IamPolicy } from './types.js';

/** The role that lets a member call a service. */
export const INVOKER_ROLE = 'roles/run.invoker';
/** The member that stands for anyone on the internet. */
export const ALL_USERS = 'allUsers';

/** Whether a policy lets anyone invoke the service. */
export function isPublic(policy: IamPolicy): boolean {
  return (policy.bindings ?? []).some(
    (b) => b.role === INVOKER_ROLE && b.condition == null && (b.members ?? []).includes(ALL_USERS),
  );
}

/**
 * The policy to set so that the service is public (`allow` true) or not (`allow` false), or `undefined` when the
 * policy already says so. Other members and bindings are kept; a binding left empty is dropped.
 */
export function planInvokerPolicy(policy: IamPolicy, allow: boolean): IamPolicy | undefined {
  if (isPublic(policy) === allow) return undefined;
  const next = clone(policy);
  const bindings = [...(next.bindings ?? [])];
  if (allow) {
    const binding = bindings.find((b) => b.role === INVOKER_ROLE && b.condition == null);
    if (binding) binding.members = [...(binding.members ?? []), ALL_USERS];
    else bindings.push({ role: INVOKER_ROLE, members: [ALL_USERS] });
    next.bindings = bindings;
  } else {
    next.bindings = bindings
      .map((b) =>
        b.role === INVOKER_ROLE && b.condition == null
          ? { ...b, members: (b.members ?? []).filter((m) => m !== ALL_USERS) }
          : b,
      )
      .filter((b) => (b.members ?? []).length > 0);
  }
  return next;
}
