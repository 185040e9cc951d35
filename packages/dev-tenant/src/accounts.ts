import type { Account } from 'oidc-provider';
import type { TenantState } from './tenant-state.js';
import { findUser } from './users.js';

/**
 * A user of the tenant as oidc-provider sees an account: the claims its tokens may carry. Those
 * of a login to an organization carry `org_id` and `org_name`, and those given by delegation
 * `act`, known from `grantId`, the grant the tokens are issued from.
 */
export function tenantAccount(
  state: TenantState,
  sub: string,
  grantId: string | undefined,
): Account | undefined {
  const user = findUser(state, sub);
  if (!user) return undefined;
  return {
    accountId: user.sub,
    async claims() {
      return {
        sub: user.sub,
        ...user.claims(),
        ...state.organizations.claimsOf(grantId),
        ...state.delegations.claimsOf(grantId),
      };
    },
  };
}
