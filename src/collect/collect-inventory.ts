import type { IAMClient } from '@aws-sdk/client-iam';
import type { Settings } from '../config/settings.js';
import type { AuditReport } from '../model.js';
import type { OnProgress } from '../progress.js';
import { collectFromCredentialReport } from './credential-report-collector.js';
import { collectLive } from './live-collector.js';
import type { InventoryResult } from './types.js';

export interface CollectDeps {
  iam: Pick<IAMClient, 'send'>;
  /** The wall clock, to judge the credential report's age. */
  clock: () => Date;
  shouldStop?: () => boolean;
  /** Told as the credential report is generated and as users are read. */
  onProgress?: OnProgress;
  /** Told when the credential report is used with a caveat or cannot be used. */
  warn?: (message: string) => void;
  /** Waits between credential-report polls; tests may pass a faster one. */
  sleep?: (ms: number) => Promise<unknown>;
}

export interface CollectRequest {
  settings: Settings;
  accountId: string;
  /** Audit only these users. */
  userNames?: readonly string[];
}

export interface CollectedInventory {
  inventory: InventoryResult;
  /** For the report: which path ran, why, and the credential report's GeneratedTime. */
  source: AuditReport['source'];
}

const HOUR_MS = 3_600_000;

/**
 * The inventory from the path `INVENTORY_SOURCE` asks for: `auto` reads the credential report for
 * a whole-account audit and the live API for named users; `live` and `credential-report` force
 * one. When the credential report cannot be had (never COMPLETE, refused, truncated, ...) the live
 * API runs instead and `source.reason` says why.
 *
 * @example
 * const { inventory, source } = await collectInventory({ iam, clock }, { settings, accountId });
 * source; // { kind: 'credential-report', reason: 'whole-account audit', generatedAt: '2026-11-20T00:00:00.000Z' }
 */
export async function collectInventory(
  deps: CollectDeps,
  request: CollectRequest,
): Promise<CollectedInventory> {
  const { settings, userNames, accountId } = request;
  const scope = userNames ? 'targeted audit of named users' : 'whole-account audit';
  const useReport =
    settings.inventorySource === 'credential-report' || (settings.inventorySource === 'auto' && !userNames);
  const live = async (reason: string): Promise<CollectedInventory> => {
    const notes: string[] = [];
    const inventory = await collectLive(
      {
        iam: deps.iam,
        concurrency: settings.concurrency,
        ...(deps.shouldStop ? { shouldStop: deps.shouldStop } : {}),
        ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
        warn: (message) => {
          notes.push(message);
          deps.warn?.(message);
        },
      },
      { accountId, ...(userNames ? { userNames } : {}) },
    );
    return { inventory, source: { kind: 'live-api', reason: [reason, ...notes].join('; ') } };
  };
  if (!useReport) {
    return live(settings.inventorySource === 'live' ? `${scope}; INVENTORY_SOURCE is live` : scope);
  }
  try {
    const inventory = await collectFromCredentialReport(
      {
        iam: deps.iam,
        clock: deps.clock,
        maxAgeMs: settings.credentialReportMaxAgeHours * HOUR_MS,
        maxWaitMs: settings.credentialReportWaitSeconds * 1000,
        concurrency: settings.concurrency,
        ...(deps.shouldStop ? { shouldStop: deps.shouldStop } : {}),
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
        ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
      },
      { accountId, ...(userNames ? { userNames } : {}) },
    );
    for (const warning of inventory.warnings) deps.warn?.(warning);
    const { generatedAt, warnings, ...result } = inventory;
    return {
      inventory: result,
      source: {
        kind: 'credential-report',
        reason: [scope, ...warnings].join('; '),
        generatedAt: generatedAt.toISOString(),
      },
    };
  } catch (error) {
    // Any failure of the report path (including one nobody foresaw) still gets the account audited.
    const why = error instanceof Error ? error.message : String(error);
    deps.warn?.(`credential report not used: ${why}; falling back to the live IAM API`);
    return live(`${scope}; credential report not used: ${why}; fell back to the live IAM API`);
  }
}
