/**
 * The machine's HTTP ceiling: a bare node:http route that parses a JSON body and answers
 * JSON, driven by the same load generator as simkeep's routes.
 */
import http from 'node:http';

const port = Number(process.env.PORT ?? 3990);
http
  .createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body: unknown = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"code":"invalid_request"}}');
        return;
      }
      const payload = JSON.stringify({ ok: true, echo: body });
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }).end(payload);
    });
  })
  .listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
