/** A form posted as a browser without script posts it: the page's status and HTML. */
export async function postForm(url: string, fields: Record<string, string> | [string, string][]): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  return { status: res.status, text: await res.text() };
}
