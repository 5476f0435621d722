import { parentPort } from 'node:worker_threads';
import { renderMarkdownHere, type MarkdownOptions } from './markdown.js';

// The Markdown thread: one body at a time, so a slow or hostile body never holds up the event loop.
// Loading takes a moment: only once ready does a body's time budget start.
parentPort!.postMessage({ ready: true });
parentPort!.on('message', ({ id, markdown, options }: { id: number; markdown: string; options: MarkdownOptions }) => {
  try {
    parentPort!.postMessage({ id, rendered: renderMarkdownHere(markdown, options) });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
});
