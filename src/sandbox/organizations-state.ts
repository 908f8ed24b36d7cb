/** An account's standing: its Organizations state and which roles can be assumed in it. */
export interface AccountStanding {
  /** Its `State` (an `AccountState` value, or one the SDK does not know yet). */
  status: string;
  /** How ListAccounts words it: `State` (AWS), `Status` only (older implementations), or `neither`. */
  listedAs: 'State' | 'Status' | 'neither';
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
  listedAs: 'State',
  roles: null,
  organizationalUnitId: null,
};
