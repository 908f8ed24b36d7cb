/**
 * Serves the answer page's Lambda handler over plain HTTP on 127.0.0.1, turning each request into
 * the function URL's event (payload 2.0) as Lambda would: for the browser test, the screenshot and
 * the demo, where there is no function URL.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The handler's answer, as a function URL returns it. */
interface PageResult {
  statusCode?: number;
  headers?: Record<string, string | number | boolean>;
  body?: string;
}

export interface ServedPage {
  /** The page's base URL (`http://127.0.0.1:<port>/`): the links' `baseUrl`. */
  url: string;
  /** Every request received, as `METHOD /path` (without the query). */
  requests: string[];
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the server; `handler` is the page's `handler` export. */
export async function serveAnswerPage(handler: (event: unknown) => Promise<PageResult>): Promise<ServedPage> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}`);
    bodyOf(req)
      .then(async (body) => {
        const result = await handler({
          version: '2.0',
          rawPath: url.pathname,
          rawQueryString: url.search.slice(1),
          queryStringParameters: Object.fromEntries(url.searchParams),
          headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
          requestContext: { http: { method: req.method ?? 'GET', path: url.pathname } },
          // A function URL hands a form post's body over base64-encoded.
          ...(body.length > 0
            ? { body: body.toString('base64'), isBase64Encoded: true }
            : { isBase64Encoded: false }),
        });
        const headers = Object.fromEntries(
          Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]),
        );
        res.writeHead(result.statusCode ?? 200, headers).end(result.body ?? '');
      })
      .catch((error: unknown) => {
        res
          .writeHead(500, { 'content-type': 'text/plain' })
          .end(`handler failed: ${(error as Error).message}`);
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
