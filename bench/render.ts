// 3. Rendering: one message as the service renders it (compiled Handlebars fill, plus composing
// headers and signed links) against running MJML per message, side by side.
import nodemailer from 'nodemailer';
import { compileLayout } from '../server/rendering/compile-mjml.js';
import { PREHEADER_FILLER } from '../server/rendering/preheader.js';
import { STRINGS } from '../server/rendering/strings.js';
import { textColorOn } from '../server/rendering/brand.js';
import { mailPipeline } from './lib/mail-pipeline.js';

export interface RenderResult {
  renderMs: number;
  composeMs: number;
  mjmlMs: number;
  mimeMs: number;
  htmlBytes: number;
  textBytes: number;
  mimeBytes: number;
}

async function perCall(fn: (i: number) => Promise<unknown>, minMs = 1_000, minCalls = 200): Promise<number> {
  for (let i = 0; i < 200; i += 1) await fn(i); // warm up
  let calls = 0;
  const start = performance.now();
  while (calls < minCalls || performance.now() - start < minMs) await fn(calls++);
  return (performance.now() - start) / calls;
}

export async function benchRender(): Promise<RenderResult> {
  const { config, renderer, composer, category, sample } = await mailPipeline();
  const first = sample(0);
  const ctx = {
    locale: 'en' as const,
    recipientName: first.recipient.name,
    categoryLabel: category.label.en,
    links: { unsubscribe: 'http://127.0.0.1:3000/u/x.y.z', preferences: 'http://127.0.0.1:3000/p/x.y.z' },
  };
  const renderMs = await perCall(() => renderer.render('security-advisory', first.data, ctx));
  const composeMs = await perCall((i) => composer.compose(sample(i)));

  // MJML per message: the layout run through MJML, as the service does once per template at start.
  const constants = { ...STRINGS.en, locale: 'en', template: 'security-advisory', 'brand.color': config.brand.color, 'brand.textOnColor': textColorOn(config.brand.color), 'preheader.filler': PREHEADER_FILLER };
  for (let i = 0; i < 3; i += 1) await compileLayout(constants);
  let mjmlCalls = 0;
  const mjmlStart = performance.now();
  while (mjmlCalls < 20 || performance.now() - mjmlStart < 2_000) {
    await compileLayout(constants);
    mjmlCalls += 1;
  }
  const mjmlMs = (performance.now() - mjmlStart) / mjmlCalls;

  // For information: building the MIME bytes from the composed mail (what nodemailer does per send).
  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const { mail } = await composer.compose(first);
  const mimeBytes = ((await stream.sendMail(mail)).message as Buffer).length;
  // CPU time, not wall time: the stream transport hops through the event loop between chunks.
  const mails = await Promise.all(Array.from({ length: 1_000 }, async (_, i) => (await composer.compose(sample(i))).mail));
  for (let i = 0; i < 200; i += 50) await Promise.all(mails.slice(i, i + 50).map((m) => stream.sendMail(m))); // warm up
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < mails.length; i += 50) await Promise.all(mails.slice(i, i + 50).map((m) => stream.sendMail(m)));
  const cpu = process.cpuUsage(cpuStart);
  const mimeMs = (cpu.user + cpu.system) / 1000 / mails.length;
  return {
    renderMs,
    composeMs,
    mjmlMs,
    mimeMs,
    htmlBytes: Buffer.byteLength(String(mail.html)),
    textBytes: Buffer.byteLength(String(mail.text)),
    mimeBytes,
  };
}
