// The one-click ceiling: a bare Express 5 POST route in its own process, reading the same
// urlencoded form and answering what the real route answers. Prints its port on stdout.
import express from 'express';
import type { AddressInfo } from 'node:net';

const app = express();
app.post('/u/:token', express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }), (req, res) => {
  if ((req.body as Record<string, string> | undefined)?.['List-Unsubscribe'] !== 'One-Click') return void res.status(400).end();
  res.type('text/plain').send('Unsubscribed.');
});
const server = app.listen(0, '127.0.0.1', () => process.stdout.write(`PORT ${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
