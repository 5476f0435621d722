// The short-lived MJML process (started by compile-mjml.ts through mjml-process.mjs): compiles the
// layouts it is sent over IPC, one answer per request, and exits when its parent disconnects.
import { compileLayoutHere } from './compile-mjml-here.js';

interface Request {
  id: number;
  constants: Record<string, string>;
}

// A parent gone meanwhile is no error here: the disconnect that follows ends this process.
const send = (message: unknown) => process.send!(message, undefined, undefined, () => {});

process.on('message', ({ id, constants }: Request) => {
  compileLayoutHere(constants).then(
    (html) => send({ id, html }),
    (error: unknown) => send({ id, error: error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) } }),
  );
});
// Nothing else keeps it alive once the parent is done with it (or gone).
process.on('disconnect', () => process.exit(0));
send({ ready: true });
