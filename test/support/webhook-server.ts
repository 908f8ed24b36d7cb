import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local stand-in for a Slack incoming webhook: records each body, answers as told. */
export interface WebhookServer {
  /** The URL to store in the SSM parameter; its path plays the webhook's secret. */
  url: string;
  /** The secret part of the URL, to check it never reaches a log or an error. */
  secret: string;
  bodies: unknown[];
  /** The status and body of the next answers (default 200 `ok`, as Slack answers). */
  answer(status: number, body?: string): void;
  /** Answer with a redirect (`status` 3xx) to `location` from now on. */
  redirect(status: number, location: string): void;
  close(): Promise<void>;
}

export async function startWebhookServer(): Promise<WebhookServer> {
  const bodies: unknown[] = [];
  let reply: { status: number; body: string; location?: string } = { status: 200, body: 'ok' };
  const secret = 'XXsecretXXwebhookXXtoken';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      bodies.push(req.url?.endsWith(secret) ? JSON.parse(text) : { wrongPath: req.url });
      res.writeHead(reply.status, {
        'Content-Type': 'text/plain',
        ...(reply.location ? { Location: reply.location } : {}),
      });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T0000/B0000/${secret}`,
    secret,
    bodies,
    answer(status, body = status < 300 ? 'ok' : 'error') {
      reply = { status, body };
    },
    redirect(status, location) {
      reply = { status, body: 'moved', location };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
