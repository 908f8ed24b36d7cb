import { ListAccessKeysCommand, ListUserTagsCommand } from '@aws-sdk/client-iam';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { LambdaFunctionURLResult } from 'aws-lambda';
import { vi } from 'vitest';
import { answerLink } from '../../src/answer/answer-link.js';
import type { FixtureInput } from '../../src/sandbox/fixture.js';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { lambdaContext, type SandboxHandle } from './sandbox-lifecycle.js';

export const PAGE_ACCOUNT = '111111111111';
export const PAGE_BUCKET = 'acme-reports';
export const PAGE_TOPIC_ARN = `arn:aws:sns:us-east-1:${PAGE_ACCOUNT}:key-hygiene-test-reports`;
export const PAGE_SECRET = 'key-hygiene-test-answer-link';
/** The secret's value: the HMAC key of every link the tests make. */
export const PAGE_KEY = 'answer-link-key-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL';
export const ANA_KEY = 'AKIAANA0000000000001';
export const BEN_KEY = 'AKIABEN0000000000001';
const DAY_MS = 86_400_000;

/** One account: ana's stale key, ben's key already kept once, the report bucket, topic and secret. */
export function pageFixture(now: Date = new Date()): FixtureInput {
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  const soon = new Date(now.getTime() + 5 * DAY_MS).toISOString().slice(0, 10);
  return {
    accounts: [
      {
        id: PAGE_ACCOUNT,
        topics: [{ name: 'key-hygiene-test-reports', subscriptions: [] }],
        buckets: [{ name: PAGE_BUCKET }],
        secrets: [{ name: PAGE_SECRET, value: PAGE_KEY }],
        users: [
          {
            name: 'auditor',
            createDate: ago(400),
            accessKeys: [{ id: 'AKIAIOSFODNN7EXAMPLE', status: 'Active', createDate: ago(300) }],
          },
          {
            name: 'ana',
            createDate: ago(500),
            tags: { owner: 'ana@acme.example' },
            accessKeys: [
              {
                id: ANA_KEY,
                status: 'Active',
                createDate: ago(400),
                lastUsed: { date: ago(95), service: 's3', region: 'eu-west-1' },
              },
            ],
          },
          {
            name: 'ben',
            createDate: ago(500),
            tags: { 'key-hygiene:snoozed': `${BEN_KEY}:${soon}:1:earlier-answer-nonce01` },
            accessKeys: [
              {
                id: BEN_KEY,
                status: 'Active',
                createDate: ago(400),
                lastUsed: { date: ago(120), service: 'iam', region: 'N/A' },
              },
            ],
          },
        ],
      },
    ],
  };
}

export interface LinkOptions {
  userName?: string;
  accessKeyId?: string;
  accountId?: string;
  deadline?: Date;
  nonce?: string;
  key?: string;
  baseUrl?: string;
}

/** A link as a notice would carry it, signed with the sandbox secret unless told otherwise. */
export function linkFor(options: LinkOptions = {}): string {
  return answerLink(
    {
      baseUrl: options.baseUrl ?? 'https://page.example/',
      accountId: options.accountId ?? PAGE_ACCOUNT,
      userName: options.userName ?? 'ana',
      accessKeyId: options.accessKeyId ?? ANA_KEY,
      deadline: options.deadline ?? new Date(Date.now() + 7 * DAY_MS),
      nonce: options.nonce ?? 'nonce-for-ana-key-0001',
      owner: 'ana@acme.example',
    },
    Buffer.from(options.key ?? PAGE_KEY),
  );
}

export type PageHandler = (
  event: unknown,
) => Promise<LambdaFunctionURLResult & { body: string; statusCode: number; headers: Record<string, string> }>;

/** Imports the page's handler fresh, as a cold start on the sandbox would. */
export async function coldStartPage(
  sandbox: RunningSandbox,
  env: Record<string, string> = {},
): Promise<PageHandler> {
  vi.resetModules();
  const settings = {
    AWS_ENDPOINT_URL: sandbox.url,
    REPORT_TOPIC_ARN: PAGE_TOPIC_ARN,
    REPORT_BUCKET: PAGE_BUCKET,
    ANSWER_SECRET: PAGE_SECRET,
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_TRACE_ENABLED: 'false',
    MODE: 'report',
    ...env,
  };
  for (const [key, value] of Object.entries(settings)) vi.stubEnv(key, value);
  const module = await import('../../handlers/answer-page.js');
  const handler = module.handler as unknown as (event: unknown, context: unknown) => Promise<unknown>;
  return async (event) => (await handler(event, lambdaContext)) as Awaited<ReturnType<PageHandler>>;
}

/** The function URL's event (payload 2.0) for a GET of `url`. */
export function getEvent(url: string): unknown {
  const u = new URL(url);
  return {
    version: '2.0',
    rawPath: u.pathname,
    rawQueryString: u.search.slice(1),
    queryStringParameters: Object.fromEntries(u.searchParams),
    headers: {},
    requestContext: { http: { method: 'GET', path: u.pathname } },
    isBase64Encoded: false,
  };
}

/** The event for the form post of `url`'s link with these answer fields (base64, as function URLs send forms). */
export function postEvent(url: string, fields: Record<string, string>): unknown {
  const u = new URL(url);
  const form = new URLSearchParams({
    p: u.searchParams.get('p') ?? '',
    s: u.searchParams.get('s') ?? '',
    ...fields,
  });
  return {
    version: '2.0',
    rawPath: u.pathname,
    rawQueryString: u.search.slice(1),
    queryStringParameters: Object.fromEntries(u.searchParams),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    requestContext: { http: { method: 'POST', path: u.pathname } },
    body: Buffer.from(form.toString()).toString('base64'),
    isBase64Encoded: true,
  };
}

/** Everything the page could change: each user's tags and key statuses, the bucket, the topic. */
export async function pageState(env: SandboxHandle): Promise<unknown> {
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: env.sandbox.url,
    forcePathStyle: true,
    maxAttempts: 1,
  });
  const users = await Promise.all(
    ['auditor', 'ana', 'ben'].map(async (name) => ({
      name,
      tags: (await env.iam.send(new ListUserTagsCommand({ UserName: name }))).Tags,
      keys: (await env.iam.send(new ListAccessKeysCommand({ UserName: name }))).AccessKeyMetadata?.map(
        (k) => [k.AccessKeyId, k.Status],
      ),
    })),
  );
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: PAGE_BUCKET }));
  const objects = await Promise.all(
    (listed.Contents ?? []).map(async (o) => ({
      key: o.Key,
      body: await (
        await s3.send(new GetObjectCommand({ Bucket: PAGE_BUCKET, Key: o.Key }))
      ).Body?.transformToString(),
    })),
  );
  const published = (await (await fetch(`${env.sandbox.url}/_sandbox/published`)).json()) as {
    messages: unknown[];
  };
  s3.destroy();
  return { users, objects, published: published.messages };
}

/** The answer records in the bucket, parsed. */
export async function answerRecords(env: SandboxHandle): Promise<Record<string, unknown>[]> {
  const state = (await pageState(env)) as { objects: { key: string; body: string }[] };
  return state.objects.filter((o) => o.key.startsWith('answers/')).map((o) => JSON.parse(o.body));
}
