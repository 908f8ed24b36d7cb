/** An account's standing: its Organizations status and which roles can be assumed in it. */
export interface AccountStanding {
  status: 'ACTIVE' | 'SUSPENDED';
  /** Null: any role can be assumed (roles are not modelled). */
  roles: ReadonlySet<string> | null;
  /** The account's organizational unit; null: the root. */
  organizationalUnitId: string | null;
}

/** The fixture's organization, when it has one; every account of the state is a member. */
export interface SandboxOrganization {
  /** `o-` and ten characters, derived from the management account. */
  id: string;
  managementAccountId: string;
  /** `r-` and four characters: the parent of every account not in an OU. */
  rootId: string;
}

/** An account the fixture says nothing about (the synthetic one): active, any role. */
export const DEFAULT_STANDING: AccountStanding = {
  status: 'ACTIVE',
  roles: null,
  organizationalUnitId: null,
};
