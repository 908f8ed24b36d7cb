/**
 * The baseline: what the common boto3 "find unused access keys" samples do, written with the JS
 * SDK. ListUsers (every page), then one user after another ListAccessKeys, then
 * GetAccessKeyLastUsed for each key, and "unused" is simply "last used (or, if never, created)
 * more than 90 days ago". The client keeps the SDK's default retry settings, as those samples do.
 *
 * Unlike most samples, a call that still fails after the SDK's retries is counted rather than
 * crashing the script, so the benchmark gets a row (and shows how many keys were lost).
 *
 * Standalone: `npx tsx bench/naive-scan.ts --endpoint http://127.0.0.1:4566`.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  GetAccessKeyLastUsedCommand,
  IAMClient,
  ListAccessKeysCommand,
  paginateListUsers,
} from '@aws-sdk/client-iam';

const UNUSED_DAYS = 90;
const DAY_MS = 86_400_000;

export interface NaiveScanResult {
  users: number;
  keys: number;
  unused: string[];
  /** Calls that still failed after the SDK's retries (the keys they concern are missing). */
  failedCalls: number;
}

/**
 * Scans the whole account sequentially and returns the access key IDs unused for over 90 days.
 *
 * @example
 * const { unused } = await naiveScan(new IAMClient({ endpoint }), new Date());
 */
export async function naiveScan(iam: IAMClient, now: Date): Promise<NaiveScanResult> {
  const result: NaiveScanResult = { users: 0, keys: 0, unused: [], failedCalls: 0 };
  const userNames: string[] = [];
  for await (const page of paginateListUsers({ client: iam }, {})) {
    for (const user of page.Users ?? []) userNames.push(user.UserName ?? '');
  }
  for (const userName of userNames) {
    result.users += 1;
    let keys: { AccessKeyId?: string; CreateDate?: Date }[];
    try {
      keys = (await iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? [];
    } catch {
      result.failedCalls += 1;
      continue;
    }
    for (const key of keys) {
      result.keys += 1;
      try {
        const { AccessKeyLastUsed } = await iam.send(
          new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId ?? '' }),
        );
        const last = AccessKeyLastUsed?.LastUsedDate ?? key.CreateDate;
        if (last && now.getTime() - last.getTime() > UNUSED_DAYS * DAY_MS) {
          result.unused.push(key.AccessKeyId ?? '');
        }
      } catch {
        result.failedCalls += 1;
      }
    }
  }
  return result;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { endpoint: { type: 'string' } } });
  const iam = new IAMClient({
    region: 'us-east-1',
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
  });
  const result = await naiveScan(iam, new Date());
  process.stdout.write(
    `${result.users} users, ${result.keys} keys, ${result.unused.length} unused over ${UNUSED_DAYS} days, ` +
      `${result.failedCalls} calls failed after retries\n`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    process.stderr.write(`naive scan failed: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
