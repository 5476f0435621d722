/** Fetches a small text over HTTPS: the body, or an error for anything but a 200 within the limits. */
export type HttpsGet = (url: URL) => Promise<string>;

/**
 * A GET with no redirect followed, a timeout, and a size cap: what the service fetches because a
 * request told it to (an SNS signing certificate, a subscription's confirmation link) may not be
 * turned into a slow or a large download.
 */
export function httpsGet(limits: { timeoutMs: number; maxBytes: number }): HttpsGet {
  return async (url) => {
    if (url.protocol !== 'https:') throw new Error('only https is fetched');
    const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(limits.timeoutMs), headers: { accept: '*/*' } });
    if (res.status !== 200 || !res.body) {
      await res.body?.cancel();
      throw new Error(`answered ${res.status}`);
    }
    if (Number(res.headers.get('content-length') ?? 0) > limits.maxBytes) {
      await res.body.cancel();
      throw new Error('too large');
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += chunk.byteLength;
      if (size > limits.maxBytes) throw new Error('too large');
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  };
}
