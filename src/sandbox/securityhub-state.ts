/**
 * Security Hub's findings, kept per account the way the service keeps them: one record per
 * (ProductArn, Id), created by the first import and updated in place by later ones.
 */

/** A finding as stored: the ASFF object the provider sent, merged with what Security Hub adds. */
export type StoredFinding = Record<string, unknown> & { Id: string; ProductArn: string };

/** A test aid: the next imports of these finding ids fail in `FailedFindings` with this code. */
export interface PlannedImportFailure {
  /** Finding ids that fail; absent: any finding. */
  ids?: readonly string[];
  /** Default `InternalException`, the code of a transient failure on Security Hub's side. */
  errorCode?: string;
  errorMessage?: string;
  /** How many matching findings fail before the plan is spent. Default 1. */
  times?: number;
}

export class SecurityHubStore {
  /** Findings by account, then by `ProductArn` + Id, in creation order. */
  private readonly byAccount = new Map<string, Map<string, StoredFinding>>();
  /** Accounts where Security Hub is not enabled (a test aid): every call answers InvalidAccessException. */
  readonly disabledAccounts = new Set<string>();
  private plans: (Required<Omit<PlannedImportFailure, 'ids'>> & { ids: readonly string[] | null })[] = [];
  /**
   * The top-level fields a customer changed with BatchUpdateFindings, by account and finding:
   * Security Hub keeps them apart from the provider's (FindingProviderFields) and no later import
   * overwrites them. Not part of the finding GetFindings returns.
   */
  private readonly customerFields = new Map<string, Set<string>>();

  /** The account's findings, in creation order. */
  findings(accountId: string): StoredFinding[] {
    return [...(this.byAccount.get(accountId)?.values() ?? [])];
  }

  find(accountId: string, productArn: string, id: string): StoredFinding | undefined {
    return this.byAccount.get(accountId)?.get(key(productArn, id));
  }

  put(accountId: string, finding: StoredFinding): void {
    let findings = this.byAccount.get(accountId);
    if (!findings) {
      findings = new Map();
      this.byAccount.set(accountId, findings);
    }
    findings.set(key(finding.ProductArn, finding.Id), finding);
  }

  /** Records that a customer (BatchUpdateFindings) set these top-level fields of the finding. */
  markCustomerUpdate(accountId: string, productArn: string, id: string, fields: readonly string[]): void {
    const k = `${accountId}\n${key(productArn, id)}`;
    const known = this.customerFields.get(k) ?? new Set<string>();
    for (const field of fields) known.add(field);
    this.customerFields.set(k, known);
  }

  /** Whether a customer set this top-level field of the finding with BatchUpdateFindings. */
  updatedByCustomer(accountId: string, productArn: string, id: string, field: string): boolean {
    return this.customerFields.get(`${accountId}\n${key(productArn, id)}`)?.has(field) ?? false;
  }

  /** Plans failures of single findings inside an otherwise successful BatchImportFindings. */
  failImports(plan: PlannedImportFailure): void {
    this.plans.push({
      ids: plan.ids ?? null,
      errorCode: plan.errorCode ?? 'InternalException',
      errorMessage: plan.errorMessage ?? 'Internal service failure; try again.',
      times: plan.times ?? 1,
    });
  }

  /** The planned failure for this finding, if any (and counts it). */
  plannedFailure(id: string): { errorCode: string; errorMessage: string } | null {
    const plan = this.plans.find((p) => p.times > 0 && (p.ids === null || p.ids.includes(id)));
    if (!plan) return null;
    plan.times -= 1;
    return { errorCode: plan.errorCode, errorMessage: plan.errorMessage };
  }

  clear(): void {
    this.byAccount.clear();
    this.customerFields.clear();
    this.disabledAccounts.clear();
    this.plans = [];
  }
}

function key(productArn: string, id: string): string {
  return `${productArn}\n${id}`;
}
