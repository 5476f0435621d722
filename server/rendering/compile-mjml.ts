import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { threadEntry } from '../thread-entry.js';

export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));
const MJML_PROCESS = fileURLToPath(threadEntry(import.meta.url, 'mjml-process'));

/** `[[key]]`: a value fixed for one locale and brand, resolved before MJML sees the source. */
const CONSTANT = /\[\[\s*([\w.-]+)\s*\]\]/g;

function escapeForMarkup(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

export function resolveConstants(source: string, constants: Readonly<Record<string, string>>): string {
  return source.replace(CONSTANT, (_marker, key: string) => {
    const value = constants[key];
    if (value === undefined) throw new Error(`Email templates: no value for [[${key}]]`);
    return escapeForMarkup(value);
  });
}

/** How long the MJML process waits for the next layout before it ends: compileTemplates asks for them one after another. */
const IDLE_MS = 1_000;
/** A layout not compiled by then (the first one includes loading MJML) ends the process with an error. */
const ANSWER_MS = 120_000;

interface Job {
  id: number;
  constants: Readonly<Record<string, string>>;
  resolve: (html: string) => void;
  reject: (error: Error) => void;
}

type Answer = { ready: true } | { id: number; html: string } | { id: number; error: { name: string; message: string } };

/**
 * One MJML child process, serving the layouts asked for while it lives: started at the first,
 * ended once idle. MJML (and juice, cheerio, html-minifier…) is only ever loaded there, so the
 * ~60 MB it holds is returned to the system when it exits instead of staying in the service.
 */
class MjmlProcess {
  private readonly child: ChildProcess;
  private readonly jobs = new Map<number, Job>();
  private readonly unsent: Job[] = [];
  private ready = false;
  private ended = false;
  private nextId = 1;
  private stderr = '';
  private idle: NodeJS.Timeout | null = null;
  private deadline: NodeJS.Timeout | null = null;

  constructor(private readonly onEnd: () => void) {
    // No execArgv: neither the parent's --import nor a profiler's or a test runner's flags.
    this.child = fork(MJML_PROCESS, [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.child.stderr!.on('data', (chunk) => (this.stderr = (this.stderr + String(chunk)).slice(-4_000)));
    this.child.on('message', (answer: Answer) => this.answered(answer));
    this.child.on('error', (error) => this.end(`could not run: ${error.message}`));
    this.child.on('exit', (code, signal) => this.end(`exited (${signal ?? `code ${code}`})`));
  }

  compile(constants: Readonly<Record<string, string>>): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const job = { id: this.nextId++, constants, resolve, reject };
      this.jobs.set(job.id, job);
      this.busy();
      if (this.ready) this.send(job);
      else this.unsent.push(job);
    });
  }

  private send(job: Job): void {
    // A channel closed meanwhile is the process gone: its exit rejects what is pending.
    this.child.send({ id: job.id, constants: job.constants }, (error) => error && this.end(`could not be sent a layout: ${error.message}`));
  }

  private answered(answer: Answer): void {
    if ('ready' in answer) {
      this.ready = true;
      for (const job of this.unsent.splice(0)) this.send(job);
      return;
    }
    const job = this.jobs.get(answer.id);
    if (!job) return;
    this.jobs.delete(answer.id);
    if ('html' in answer) job.resolve(answer.html);
    else job.reject(Object.assign(new Error(answer.error.message), { name: answer.error.name }));
    if (this.jobs.size === 0) this.waitIdle();
    else this.busy();
  }

  /** Work pending: the process keeps the parent alive, and must answer in time. */
  private busy(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    this.holdParent(true);
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = setTimeout(() => {
      this.end(`did not answer within ${ANSWER_MS / 1000} s`);
      this.child.kill('SIGKILL');
    }, ANSWER_MS);
  }

  /** Nothing pending: the parent may exit without it, and it ends if nothing more comes. */
  private waitIdle(): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = null;
    this.holdParent(false);
    this.idle = setTimeout(() => this.end(null), IDLE_MS).unref();
  }

  /** Whether the child (its process, channel and error stream) keeps the parent process alive. */
  private holdParent(hold: boolean): void {
    for (const handle of [this.child, this.child.channel, this.child.stderr as Socket]) {
      if (hold) handle?.ref();
      else handle?.unref();
    }
  }

  /** Stops taking work; rejects what is pending with `why` (null: ended idle, nothing pending). */
  private end(why: string | null): void {
    if (this.idle) clearTimeout(this.idle);
    if (this.deadline) clearTimeout(this.deadline);
    this.idle = this.deadline = null;
    if (!this.ended) {
      this.ended = true;
      this.onEnd();
    }
    if (this.child.connected) this.child.disconnect();
    if (why === null) return;
    const stderr = this.stderr.trim();
    for (const job of this.jobs.values()) job.reject(new Error(`Email templates: the MJML process ${why}${stderr ? `:\n${stderr}` : ''}`));
    this.jobs.clear();
    this.unsent.length = 0;
  }
}

let current: MjmlProcess | null = null;

/**
 * Runs MJML on the shared layout with one email's content included, in a child process (see
 * MjmlProcess): slow (~ms a layout, plus loading MJML once per burst), so call it at startup only.
 * The result is HTML that still holds the per-message `{{placeholders}}`.
 */
export function compileLayout(constants: Readonly<Record<string, string>>): Promise<string> {
  if (!current) {
    const started: MjmlProcess = new MjmlProcess(() => {
      if (current === started) current = null;
    });
    current = started;
  }
  return current.compile(constants);
}
