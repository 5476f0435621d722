import { Worker } from 'node:worker_threads';
import { threadEntry } from '../thread-entry.js';
import { MARKDOWN_LIMITS, markdownShapeProblem, type MarkdownOptions, type RenderedMarkdown } from './markdown.js';

/** A body that cannot be rendered: too large, too deep, too slow, or one the parser chokes on. Its message says why, after the field's name. */
export class MarkdownError extends Error {
  override readonly name = 'MarkdownError';
  constructor(
    message: string,
    /** Over the time budget: on a busy machine a body may pass later, so a queued message retries. */
    readonly tooSlow = false,
  ) {
    super(message);
  }
}

interface Job {
  id: number;
  markdown: string;
  options: MarkdownOptions;
  /** The body and its options, as the cache knows them. */
  key: string;
  resolve: (rendered: RenderedMarkdown) => void;
  reject: (error: Error) => void;
}

const CACHE_SIZE = 64;
/** Enough for any body within MARKDOWN_LIMITS; a body that needs more is refused, the thread ends. */
const THREAD_HEAP_MB = 256;

/**
 * Renders Markdown in a thread of its own, one body at a time, each within a time budget: a body
 * over budget (or over the thread's memory) ends the thread, which is started again for the next.
 * A fan-out renders the same body for every recipient, so results are cached.
 */
export class MarkdownRenderer {
  private thread: Worker | null = null;
  private ready = false;
  private readonly queue: Job[] = [];
  private current: { job: Job; timer: NodeJS.Timeout } | null = null;
  private nextId = 1;
  private readonly cache = new Map<string, RenderedMarkdown>();
  /** A fan-out asks for one body many times at once: it is rendered once. */
  private readonly pending = new Map<string, Promise<RenderedMarkdown>>();

  constructor(private readonly budgetMs: number = MARKDOWN_LIMITS.budgetMs) {}

  render(markdown: string, options: MarkdownOptions = {}): Promise<RenderedMarkdown> {
    const key = `${options.httpsLinks ? 'https' : 'any'}:${markdown}`;
    const hit = this.cache.get(key);
    if (hit) return Promise.resolve(hit);
    const problem = markdownShapeProblem(markdown);
    if (problem) return Promise.reject(new MarkdownError(problem));
    let rendering = this.pending.get(key);
    if (!rendering) {
      rendering = new Promise<RenderedMarkdown>((resolve, reject) => {
        this.queue.push({ id: this.nextId++, markdown, options, key, resolve, reject });
        this.next();
      }).finally(() => this.pending.delete(key));
      this.pending.set(key, rendering);
    }
    return rendering;
  }

  /** Starts the thread now, so the first body does not wait for it to load (about a quarter second). */
  warm(): this {
    this.start();
    return this;
  }

  /** Ends the thread (shutdown); a later render starts it again. */
  async close(): Promise<void> {
    const thread = this.thread;
    this.thread = null;
    await thread?.terminate();
  }

  private next(): void {
    if (this.current || !this.queue.length) return;
    const thread = this.start();
    if (!this.ready) return;
    const job = this.queue.shift()!;
    const timer = setTimeout(() => this.fail(job, new MarkdownError(`takes over ${this.budgetMs / 1000} s to render as Markdown: simplify it`, true)), this.budgetMs);
    this.current = { job, timer };
    thread.postMessage({ id: job.id, markdown: job.markdown, options: job.options });
  }

  private start(): Worker {
    if (this.thread) return this.thread;
    const thread = new Worker(threadEntry(import.meta.url, 'markdown-thread'), { resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB } });
    thread.unref();
    this.ready = false;
    thread.on('message', (message: { ready?: true; id: number; rendered?: RenderedMarkdown; error?: string }) => {
      if (message.ready) {
        this.ready = true;
        return this.next();
      }
      const current = this.current;
      if (!current || current.job.id !== message.id) return;
      clearTimeout(current.timer);
      this.current = null;
      if (message.rendered) {
        this.remember(current.job.key, message.rendered);
        current.job.resolve(message.rendered);
      } else {
        current.job.reject(new MarkdownError(`cannot be rendered as Markdown (${message.error ?? 'unknown error'})`));
      }
      this.next();
    });
    // A thread that dies on its own (out of memory) fails the body it had; one ended on purpose is already replaced.
    const died = (why: string) => {
      if (this.thread !== thread) return;
      this.thread = null;
      if (this.current) return this.fail(this.current.job, new MarkdownError(`cannot be rendered as Markdown (${why})`));
      if (this.ready) return;
      // It never started: nothing about the bodies is known, so they may be tried again later.
      for (const job of this.queue.splice(0)) job.reject(new MarkdownError(`cannot be rendered now (the Markdown thread did not start: ${why})`, true));
    };
    thread.on('error', (error) => died(error.message));
    thread.on('exit', () => died('its renderer stopped'));
    this.thread = thread;
    return thread;
  }

  /** The current job fails; its thread, which may still be busy with it, is ended. */
  private fail(job: Job, error: MarkdownError): void {
    if (this.current?.job !== job) return;
    clearTimeout(this.current.timer);
    this.current = null;
    const thread = this.thread;
    this.thread = null;
    void thread?.terminate();
    job.reject(error);
    this.next();
  }

  private remember(key: string, rendered: RenderedMarkdown): void {
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, rendered);
  }
}
