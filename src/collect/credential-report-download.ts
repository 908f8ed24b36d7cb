import { Buffer } from 'node:buffer';
import {
  GetCredentialReportCommand,
  type GetCredentialReportCommandOutput,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { PermissionDeclaration } from '../aws/permissions.js';

/**
 * The IAM call that downloads the credential report.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const CREDENTIAL_REPORT_DOWNLOAD_PERMISSIONS = [
  {
    action: 'iam:GetCredentialReport',
    resource: '*',
    why: 'fetches the credential report: every user and key slot in one call (takes no resource)',
  },
] as const satisfies readonly PermissionDeclaration[];

const OPEN = '<Content>';
const CLOSE = '</Content>';

async function readBody(body: unknown): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/**
 * GetCredentialReport, with the report's `Content` taken out of the XML answer before the SDK
 * parses it. The SDK's XML parser builds a text node one character at a time, which for the
 * base64 report of a 50,000-user account (about 15 MB) holds several hundred MB at once: more than
 * a 512 MB Lambda has. Here the base64 text is cut out with indexOf and decoded straight into bytes;
 * the SDK parses the rest (GeneratedTime, ReportFormat) and its error handling and retries are
 * unchanged.
 *
 * @example
 * const { Content, GeneratedTime } = await downloadCredentialReport(iam);
 */
export async function downloadCredentialReport(
  iam: Pick<IAMClient, 'send'>,
): Promise<GetCredentialReportCommandOutput> {
  let content: Uint8Array | undefined;
  const command = new GetCredentialReportCommand({});
  // Innermost deserialize middleware: it sees the raw HTTP answer before the deserializer does.
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { statusCode?: number; body?: unknown };
      if (response.statusCode !== 200 || response.body == null) return result;
      const raw = await readBody(response.body);
      const text = raw.toString('utf8');
      const start = text.indexOf(OPEN);
      const end = start === -1 ? -1 : text.indexOf(CLOSE, start);
      if (end === -1) {
        response.body = raw;
        return result;
      }
      // Base64 has no XML entities; Buffer's decoder skips line breaks inside it.
      content = Buffer.from(text.slice(start + OPEN.length, end), 'base64');
      response.body = Buffer.from(text.slice(0, start) + text.slice(end + CLOSE.length));
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'keyHygieneCredentialReportContent' },
  );
  const output = await iam.send(command);
  return content === undefined ? output : { ...output, Content: content };
}
