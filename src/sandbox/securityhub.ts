/**
 * Security Hub CSPM (REST-JSON, 2018-10-26): BatchImportFindings (`POST /findings/import`),
 * BatchUpdateFindings (`PATCH /findings/batchupdate`, the customers' triage) and GetFindings
 * (`POST /findings`). Findings are validated as Security Hub validates the ASFF: a
 * finding that breaks the format is returned in `FailedFindings` with `InvalidInput` and the
 * service's JSON-schema style message, the others are stored per account; a finding for another
 * account than the caller's, or under another account's product, refuses the whole request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CredentialScope, resolveCaller } from './auth.js';
import { AwsError, jsonObjectBody } from './errors.js';
import type { Faults } from './faults.js';
import type { StoredFinding } from './securityhub-state.js';
import type { SandboxState } from './state.js';

export interface SecurityHubContext {
  state: SandboxState;
  faults: Faults;
  log: (line: string) => void;
}

/** The largest request body read: 100 findings of at most 240 KB each, and the JSON around them. */
export const SECURITY_HUB_MAX_BODY_BYTES = 25 * 1024 * 1024;
const MAX_FINDING_BYTES = 240 * 1024;
const SCHEMA_VERSION = '2018-10-08';
const ROUTES: Readonly<Record<string, string>> = {
  'POST /findings/import': 'BatchImportFindings',
  'POST /findings': 'GetFindings',
  'PATCH /findings/batchupdate': 'BatchUpdateFindings',
};
const PRODUCT_ARN = /^arn:aws[a-z-]*:securityhub:[a-z0-9-]+:(\d{12})?:product\/([^/]+)\/([^/]+)$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const TYPE = /^([^/]+)(\/[^/]+){0,2}$/;
const SEVERITY_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const RECORD_STATES = ['ACTIVE', 'ARCHIVED'];
const COMPLIANCE_STATUSES = ['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE'];
/** Fields a provider cannot change once the finding exists: they are the customer's triage. */
const CUSTOMER_FIELDS = ['Note', 'UserDefinedFields', 'VerificationState', 'Workflow', 'WorkflowState'];
/** The provider's fields the sandbox keeps apart from the customers' (FindingProviderFields). */
const PROVIDER_FIELDS = ['Severity', 'Types'] as const;
/** BatchUpdateFindings' Severity labels and the Normalized score Security Hub gives each. */
const SEVERITY_NORMALIZED: Readonly<Record<string, number>> = {
  INFORMATIONAL: 0,
  LOW: 1,
  MEDIUM: 40,
  HIGH: 70,
  CRITICAL: 90,
};
const WORKFLOW_STATUSES = ['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED'];
const VERIFICATION_STATES = ['UNKNOWN', 'TRUE_POSITIVE', 'FALSE_POSITIVE', 'BENIGN_POSITIVE'];

/** The filters this sandbox evaluates, by filter name and the finding field each reads. */
const STRING_FILTERS: Readonly<Record<string, (f: StoredFinding) => unknown>> = {
  ProductArn: (f) => f.ProductArn,
  AwsAccountId: (f) => f.AwsAccountId,
  Id: (f) => f.Id,
  GeneratorId: (f) => f.GeneratorId,
  RecordState: (f) => f.RecordState,
  ComplianceStatus: (f) => (f.Compliance as { Status?: unknown } | undefined)?.Status,
  WorkflowStatus: (f) => (f.Workflow as { Status?: unknown } | undefined)?.Status,
  SeverityLabel: (f) => (f.Severity as { Label?: unknown } | undefined)?.Label,
};

const invalidInput = (message: string) => new AwsError('InvalidInputException', 400, message);

function sendJson(res: ServerResponse, status: number, body: unknown, requestId: string, type?: string) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': requestId,
    ...(type ? { 'x-amzn-ErrorType': type } : {}),
  });
  res.end(text);
}

/** Serves one request signed for `securityhub`. */
export async function handleSecurityHubRequest(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: string | null,
  scope: CredentialScope,
  requestId: string,
  ctx: SecurityHubContext,
): Promise<void> {
  const { state, faults, log } = ctx;
  const operation = ROUTES[`${req.method} ${url.pathname}`];
  const fail = (error: AwsError, outcome: 'error' | 'throttled' | 'failed' = 'error') => {
    state.recordCall('securityhub', operation ?? `${req.method} ${url.pathname}`, outcome);
    sendJson(res, error.status, { Code: error.code, Message: error.message }, requestId, error.code);
  };
  if (!operation) {
    log(`key-hygiene sandbox: securityhub ${req.method} ${url.pathname} is not implemented; answered 404`);
    fail(new AwsError('UnknownOperationException', 404, `The sandbox does not implement ${url.pathname}`));
    return;
  }
  if (body === null) {
    fail(invalidInput(`Request body over ${SECURITY_HUB_MAX_BODY_BYTES} bytes`));
    return;
  }
  try {
    const caller = resolveCaller(state, scope);
    const fault = await faults.apply(caller.accountId, `securityhub:${operation}`, state.clock.now());
    if (fault === 'denied') {
      throw new AwsError(
        'AccessDeniedException',
        403,
        `User: ${caller.arn} is not authorized to perform: securityhub:${operation}`,
      );
    }
    if (fault === 'throttled') {
      fail(new AwsError('LimitExceededException', 429, 'Rate exceeded'), fault);
      return;
    }
    if (fault === 'failed' || fault === 'missing') {
      fail(new AwsError('InternalException', 500, 'Internal service failure', 'Receiver'), 'failed');
      return;
    }
    if (state.securityHub.disabledAccounts.has(caller.accountId)) {
      throw new AwsError(
        'InvalidAccessException',
        401,
        `Account ${caller.accountId} is not subscribed to AWS Security Hub`,
      );
    }
    const request = { body: jsonObjectBody(body), accountId: caller.accountId, arn: caller.arn };
    const result =
      operation === 'BatchImportFindings'
        ? batchImportFindings(state, request)
        : operation === 'BatchUpdateFindings'
          ? batchUpdateFindings(state, request)
          : getFindings(state, request);
    state.recordCall('securityhub', operation, 'ok');
    sendJson(res, 200, result, requestId);
  } catch (error) {
    if (error instanceof AwsError) {
      fail(error);
      return;
    }
    log(`key-hygiene sandbox: securityhub:${operation} failed inside the sandbox: ${(error as Error).stack}`);
    fail(new AwsError('InternalException', 500, 'Internal service failure', 'Receiver'));
  }
}

interface HubRequest {
  body: Record<string, unknown>;
  accountId: string;
  arn: string;
}

function batchImportFindings(state: SandboxState, request: HubRequest) {
  const findings = request.body.Findings;
  if (!Array.isArray(findings) || findings.length < 1 || findings.length > 100) {
    throw invalidInput(
      `Invalid parameter 'Findings': a request imports between 1 and 100 findings, got ${Array.isArray(findings) ? findings.length : 'none'}`,
    );
  }
  // Authorization is per product ARN, and the default product only takes the caller's own findings.
  for (const finding of findings) {
    const productArn = PRODUCT_ARN.exec(String((finding as { ProductArn?: unknown })?.ProductArn ?? ''));
    const foreignProduct = productArn?.[1] !== undefined && productArn[1] !== request.accountId;
    const account = (finding as { AwsAccountId?: unknown })?.AwsAccountId;
    if (foreignProduct || (typeof account === 'string' && account !== request.accountId)) {
      throw new AwsError(
        'AccessDeniedException',
        403,
        `User: ${request.arn} is not authorized to perform: securityhub:BatchImportFindings on resource: ${String((finding as { ProductArn?: unknown }).ProductArn)}`,
      );
    }
  }
  const now = state.clock.now().toISOString();
  const failed: { Id: string; ErrorCode: string; ErrorMessage: string }[] = [];
  for (const raw of findings) {
    const finding = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const id = typeof finding.Id === 'string' ? finding.Id : '';
    const problem = asffProblem(finding);
    if (problem !== null) {
      failed.push({
        Id: id,
        ErrorCode: 'InvalidInput',
        ErrorMessage: `Finding does not adhere to Amazon Finding Format. ${problem}.`,
      });
      continue;
    }
    const planned = state.securityHub.plannedFailure(id);
    if (planned) {
      failed.push({ Id: id, ErrorCode: planned.errorCode, ErrorMessage: planned.errorMessage });
      continue;
    }
    store(state, request.accountId, finding as StoredFinding, now);
  }
  return {
    FailedCount: failed.length,
    SuccessCount: findings.length - failed.length,
    FailedFindings: failed,
  };
}

/** The label of a Normalized score, as Security Hub derives it. */
function labelOf(normalized: number): string {
  if (normalized === 0) return 'INFORMATIONAL';
  if (normalized < 40) return 'LOW';
  if (normalized < 70) return 'MEDIUM';
  if (normalized < 90) return 'HIGH';
  return 'CRITICAL';
}

/**
 * The customers' side: the triage fields of up to 100 findings of the caller's account. UpdatedAt
 * (the provider's) is left alone; each top-level field set here is recorded as the customer's, so
 * later imports do not overwrite it.
 */
function batchUpdateFindings(state: SandboxState, request: HubRequest) {
  const body = request.body as {
    FindingIdentifiers?: unknown;
    Severity?: { Label?: unknown; Normalized?: unknown; Product?: unknown };
    Note?: { Text?: unknown; UpdatedBy?: unknown };
    Workflow?: { Status?: unknown };
    VerificationState?: unknown;
    Confidence?: unknown;
    Criticality?: unknown;
    Types?: unknown;
    UserDefinedFields?: unknown;
    RelatedFindings?: unknown;
  };
  const identifiers = body.FindingIdentifiers;
  if (!Array.isArray(identifiers) || identifiers.length < 1 || identifiers.length > 100) {
    throw invalidInput(
      "Invalid parameter 'FindingIdentifiers': a request updates between 1 and 100 findings",
    );
  }
  const now = state.clock.now().toISOString();
  const changes: Record<string, unknown> = {};
  if (body.Severity !== undefined) {
    const { Label, Normalized, Product } = body.Severity;
    if (Label !== undefined && (typeof Label !== 'string' || !(Label in SEVERITY_NORMALIZED))) {
      throw invalidInput(`Invalid Severity.Label ${String(Label)}`);
    }
    if (
      Normalized !== undefined &&
      (!Number.isInteger(Normalized) || Number(Normalized) < 0 || Number(Normalized) > 100)
    ) {
      throw invalidInput('Severity.Normalized must be an integer from 0 to 100');
    }
    if (Label === undefined && Normalized === undefined)
      throw invalidInput('Severity needs a Label or Normalized');
    const label = (Label as string | undefined) ?? labelOf(Number(Normalized));
    changes.Severity = {
      Label: label,
      Normalized: Normalized ?? SEVERITY_NORMALIZED[label],
      ...(Product !== undefined ? { Product } : {}),
    };
  }
  if (body.Note !== undefined) {
    const { Text, UpdatedBy } = body.Note;
    if (typeof Text !== 'string' || typeof UpdatedBy !== 'string') {
      throw invalidInput('Note needs Text and UpdatedBy');
    }
    changes.Note = { Text, UpdatedBy, UpdatedAt: now };
  }
  if (body.Workflow !== undefined) {
    const status = body.Workflow.Status;
    if (typeof status !== 'string' || !WORKFLOW_STATUSES.includes(status)) {
      throw invalidInput(`Invalid Workflow.Status ${String(status)}`);
    }
    changes.Workflow = { Status: status };
  }
  if (body.VerificationState !== undefined) {
    if (!VERIFICATION_STATES.includes(String(body.VerificationState))) {
      throw invalidInput(`Invalid VerificationState ${String(body.VerificationState)}`);
    }
    changes.VerificationState = body.VerificationState;
  }
  for (const field of [
    'Confidence',
    'Criticality',
    'Types',
    'UserDefinedFields',
    'RelatedFindings',
  ] as const) {
    if (body[field] !== undefined) changes[field] = body[field];
  }
  if (Object.keys(changes).length === 0) {
    throw invalidInput('BatchUpdateFindings needs at least one field to update');
  }
  const processed: { Id: string; ProductArn: string }[] = [];
  const unprocessed: { FindingIdentifier: unknown; ErrorCode: string; ErrorMessage: string }[] = [];
  for (const identifier of identifiers as { Id?: unknown; ProductArn?: unknown }[]) {
    const id = String(identifier?.Id ?? '');
    const productArn = String(identifier?.ProductArn ?? '');
    const existing = state.securityHub.find(request.accountId, productArn, id);
    if (!existing) {
      unprocessed.push({
        FindingIdentifier: { Id: id, ProductArn: productArn },
        ErrorCode: 'FindingNotFound',
        ErrorMessage: 'Finding Not Found',
      });
      continue;
    }
    const next: StoredFinding = { ...existing, ...structuredClone(changes) };
    state.securityHub.put(request.accountId, next);
    state.securityHub.markCustomerUpdate(request.accountId, productArn, id, Object.keys(changes));
    processed.push({ Id: id, ProductArn: productArn });
  }
  return { ProcessedFindings: processed, UnprocessedFindings: unprocessed };
}

/** Creates the finding, or updates the existing one the way Security Hub does for its provider. */
function store(state: SandboxState, accountId: string, finding: StoredFinding, now: string): void {
  const existing = state.securityHub.find(accountId, finding.ProductArn, finding.Id);
  // An update that is not newer than what is stored is ignored (and still counts as a success).
  if (existing && Date.parse(String(finding.UpdatedAt)) <= Date.parse(String(existing.UpdatedAt))) return;
  const next: StoredFinding = {
    ...structuredClone(finding),
    RecordState: finding.RecordState ?? 'ACTIVE',
    CompanyName: 'Personal',
    ProductName: 'Default',
    Region: String(finding.ProductArn).split(':')[3],
    ProcessedAt: now,
  };
  for (const field of CUSTOMER_FIELDS) delete next[field];
  const provided = (finding.FindingProviderFields ?? {}) as Record<string, unknown>;
  if (existing) {
    for (const field of CUSTOMER_FIELDS) if (existing[field] !== undefined) next[field] = existing[field];
    // "Using FindingProviderFields": the provider's value of Severity and Types is its
    // FindingProviderFields one (else its top-level one) and always lands in FindingProviderFields;
    // it reaches the top level only while no customer changed that field with BatchUpdateFindings.
    const providerFields: Record<string, unknown> = {
      ...((existing.FindingProviderFields ?? {}) as object),
      ...provided,
    };
    for (const field of PROVIDER_FIELDS) {
      const value = provided[field] ?? finding[field];
      if (value !== undefined) providerFields[field] = value;
      const customers = state.securityHub.updatedByCustomer(accountId, finding.ProductArn, finding.Id, field);
      next[field] = customers || value === undefined ? existing[field] : value;
    }
    next.FindingProviderFields = providerFields;
  } else {
    next.Severity = finding.Severity ?? provided.Severity;
    next.Types = finding.Types ?? provided.Types;
    next.FindingProviderFields = {
      Severity: provided.Severity ?? finding.Severity,
      Types: provided.Types ?? finding.Types,
      ...(finding.FindingProviderFields as object | undefined),
    };
    next.Workflow = { Status: 'NEW' };
    next.WorkflowState = 'NEW';
  }
  // The two changes the API documents: a NOTIFIED or RESOLVED finding is NEW again when it comes
  // back active, or when it fails again after passing.
  const workflow = next.Workflow as { Status: string };
  const compliance = (finding.Compliance as { Status?: string } | undefined)?.Status;
  const previous = (existing?.Compliance as { Status?: string } | undefined)?.Status;
  const reopened =
    (existing?.RecordState === 'ARCHIVED' && next.RecordState === 'ACTIVE') ||
    (previous === 'PASSED' && compliance !== undefined && compliance !== 'PASSED');
  if (existing && reopened && (workflow.Status === 'NOTIFIED' || workflow.Status === 'RESOLVED')) {
    next.Workflow = { ...workflow, Status: 'NEW' };
  }
  state.securityHub.put(accountId, next);
}

/** The first way the finding breaks the ASFF, worded as Security Hub words it; null when valid. */
export function asffProblem(finding: Record<string, unknown>): string | null {
  const required = [
    'SchemaVersion',
    'Id',
    'ProductArn',
    'GeneratorId',
    'AwsAccountId',
    'CreatedAt',
    'UpdatedAt',
    'Title',
    'Description',
    'Resources',
  ];
  for (const field of required) {
    if (finding[field] === undefined) return `data should have required property '${field}'`;
  }
  const provided = (finding.FindingProviderFields ?? {}) as Record<string, unknown>;
  if (finding.Severity === undefined && provided.Severity === undefined) {
    return "data should have required property 'Severity'";
  }
  if (finding.Types === undefined && provided.Types === undefined) {
    return "data should have required property 'Types'";
  }
  if (Buffer.byteLength(JSON.stringify(finding)) > MAX_FINDING_BYTES) {
    return 'data should NOT be larger than 240 KB';
  }
  const text = (path: string, value: unknown, max: number): string | null => {
    if (typeof value !== 'string') return `data.${path} should be string`;
    if (value.trim() === '') return `data.${path} should NOT be shorter than 1 characters`;
    return value.length > max ? `data.${path} should NOT be longer than ${max} characters` : null;
  };
  if (finding.SchemaVersion !== SCHEMA_VERSION)
    return `data.SchemaVersion should be equal to '${SCHEMA_VERSION}'`;
  if (!PRODUCT_ARN.test(String(finding.ProductArn))) {
    return `data.ProductArn should match pattern "${PRODUCT_ARN.source}"`;
  }
  const checks: (string | null)[] = [
    text('Id', finding.Id, 512),
    text('GeneratorId', finding.GeneratorId, 512),
    /^\d{12}$/.test(String(finding.AwsAccountId))
      ? null
      : 'data.AwsAccountId should match pattern "^\\d{12}$"',
    text('Title', finding.Title, 256),
    text('Description', finding.Description, 1024),
    ...['CreatedAt', 'UpdatedAt', 'FirstObservedAt', 'LastObservedAt'].map((field) =>
      finding[field] === undefined || ISO_DATE.test(String(finding[field]))
        ? null
        : `data.${field} should match format "date-time"`,
    ),
    typesProblem('Types', finding.Types),
    typesProblem('FindingProviderFields.Types', provided.Types),
    severityProblem('Severity', finding.Severity),
    severityProblem('FindingProviderFields.Severity', provided.Severity),
    finding.RecordState === undefined || RECORD_STATES.includes(String(finding.RecordState))
      ? null
      : 'data.RecordState should be equal to one of the allowed values',
    complianceProblem(finding.Compliance),
    remediationProblem(finding.Remediation),
    mapProblem('ProductFields', finding.ProductFields, 50, 128, 2048),
    resourcesProblem(finding.Resources),
  ];
  return checks.find((check) => check !== null) ?? null;
}

function typesProblem(path: string, types: unknown): string | null {
  if (types === undefined) return null;
  if (!Array.isArray(types) || types.length < 1 || types.length > 50) {
    return `data.${path} should be an array of 1 to 50 items`;
  }
  const bad = types.findIndex((type) => typeof type !== 'string' || !TYPE.test(type));
  return bad === -1 ? null : `data.${path}[${bad}] should match pattern "${TYPE.source}"`;
}

function severityProblem(path: string, severity: unknown): string | null {
  if (severity === undefined) return null;
  const label = (severity as { Label?: unknown } | null)?.Label;
  return SEVERITY_LABELS.includes(String(label))
    ? null
    : `data.${path}.Label should be equal to one of the allowed values`;
}

function complianceProblem(compliance: unknown): string | null {
  if (compliance === undefined) return null;
  const { Status, RelatedRequirements } = compliance as { Status?: unknown; RelatedRequirements?: unknown };
  if (Status !== undefined && !COMPLIANCE_STATUSES.includes(String(Status))) {
    return 'data.Compliance.Status should be equal to one of the allowed values';
  }
  if (RelatedRequirements !== undefined) {
    if (!Array.isArray(RelatedRequirements) || RelatedRequirements.length > 32) {
      return 'data.Compliance.RelatedRequirements should NOT have more than 32 items';
    }
    if (RelatedRequirements.some((r) => typeof r !== 'string' || r.trim() === '' || r.length > 256)) {
      return 'data.Compliance.RelatedRequirements should be strings of 1 to 256 characters';
    }
  }
  return null;
}

function remediationProblem(remediation: unknown): string | null {
  const text = (remediation as { Recommendation?: { Text?: unknown } } | undefined)?.Recommendation?.Text;
  if (text === undefined) return null;
  if (typeof text !== 'string' || text.trim() === '') {
    return 'data.Remediation.Recommendation.Text should NOT be shorter than 1 characters';
  }
  return text.length > 512
    ? 'data.Remediation.Recommendation.Text should NOT be longer than 512 characters'
    : null;
}

function mapProblem(path: string, map: unknown, items: number, keyMax: number, valueMax: number) {
  if (map === undefined) return null;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return `data.${path} should be object`;
  const entries = Object.entries(map);
  if (entries.length > items) return `data.${path} should NOT have more than ${items} properties`;
  for (const [key, value] of entries) {
    if (key.trim() === '' || key.length > keyMax) {
      return `data.${path} property name '${key}' should be 1 to ${keyMax} characters`;
    }
    if (typeof value !== 'string' || value.length > valueMax) {
      return `data.${path}['${key}'] should be a string of at most ${valueMax} characters`;
    }
  }
  return null;
}

function resourcesProblem(resources: unknown): string | null {
  if (!Array.isArray(resources)) return 'data.Resources should be array';
  if (resources.length < 1) return 'data.Resources should NOT have fewer than 1 items';
  if (resources.length > 32) return 'data.Resources should NOT have more than 32 items';
  for (const [i, resource] of resources.entries()) {
    const { Type, Id, Tags } = (resource ?? {}) as { Type?: unknown; Id?: unknown; Tags?: unknown };
    if (typeof Type !== 'string' || Type.trim() === '') {
      return `data.Resources[${i}].Type should NOT be shorter than 1 characters`;
    }
    if (typeof Id !== 'string' || Id.trim() === '') {
      return `data.Resources[${i}].Id should NOT be shorter than 1 characters`;
    }
    const tags = mapProblem(`Resources[${i}].Tags`, Tags, 50, 128, 256);
    if (tags !== null) return tags;
  }
  return null;
}

interface StringFilter {
  Value?: unknown;
  Comparison?: unknown;
}

function matches(value: unknown, filters: readonly StringFilter[]): boolean {
  const text = typeof value === 'string' ? value : '';
  const test = (f: StringFilter) => {
    const wanted = String(f.Value);
    switch (f.Comparison) {
      case 'EQUALS':
      case 'NOT_EQUALS':
        return text === wanted;
      case 'PREFIX':
      case 'PREFIX_NOT_EQUALS':
        return text.startsWith(wanted);
      case 'CONTAINS':
      case 'NOT_CONTAINS':
        return text.includes(wanted);
      default:
        throw invalidInput(`Invalid Comparison ${String(f.Comparison)} in a StringFilter`);
    }
  };
  const negative = (f: StringFilter) =>
    String(f.Comparison).startsWith('NOT_') || f.Comparison === 'PREFIX_NOT_EQUALS';
  const positives = filters.filter((f) => !negative(f));
  const negatives = filters.filter(negative);
  return (positives.length === 0 || positives.some(test)) && !negatives.some(test);
}

function getFindings(state: SandboxState, request: HubRequest) {
  const {
    Filters = {},
    MaxResults,
    NextToken,
  } = request.body as {
    Filters?: Record<string, unknown>;
    MaxResults?: unknown;
    NextToken?: unknown;
  };
  const max = MaxResults === undefined ? 100 : Number(MaxResults);
  if (!Number.isInteger(max) || max < 1 || max > 100) {
    throw invalidInput('MaxResults must be an integer from 1 to 100');
  }
  const entries = Object.entries(Filters ?? {});
  if (entries.length > 10) throw invalidInput('A request can filter on at most 10 finding attributes');
  for (const [name, filters] of entries) {
    if (!STRING_FILTERS[name]) throw invalidInput(`The sandbox does not evaluate the filter ${name}`);
    if (!Array.isArray(filters) || filters.length > 20) {
      throw invalidInput(`Filter ${name} must be a list of at most 20 filters`);
    }
  }
  const found = state.securityHub
    .findings(request.accountId)
    .filter((finding) =>
      entries.every(([name, filters]) =>
        matches(STRING_FILTERS[name]?.(finding), filters as readonly StringFilter[]),
      ),
    );
  let start = 0;
  if (NextToken !== undefined && NextToken !== null && NextToken !== '') {
    const decoded = /^offset:(\d+)$/.exec(Buffer.from(String(NextToken), 'base64').toString('utf8'));
    if (!decoded) throw invalidInput('The NextToken is not valid');
    start = Number(decoded[1]);
  }
  const page = found.slice(start, start + max);
  const next =
    start + max < found.length ? Buffer.from(`offset:${start + max}`).toString('base64') : undefined;
  return next === undefined ? { Findings: page } : { Findings: page, NextToken: next };
}
