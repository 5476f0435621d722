/** Gmail's SenderId: 5 to 15 characters, the same across the mail stream; ASCII without colons here. */
export const FEEDBACK_SENDER_ID = /^[A-Za-z0-9._-]{5,15}$/;

interface BrandEnv {
  BRAND_LOGO_URL?: string | undefined;
  BRAND_WEBSITE_URL?: string | undefined;
  BRAND_PHONE?: string | undefined;
  BRAND_CONTACT_EMAIL?: string | undefined;
}

/**
 * What production refuses in the brand: CASL asks every message for a postal address and one of a
 * phone number, an email address or a website; and every URL put in an email must be https.
 */
export function brandProblems(env: BrandEnv): string[] {
  const problems: string[] = [];
  if (!env.BRAND_PHONE && !env.BRAND_CONTACT_EMAIL && !env.BRAND_WEBSITE_URL) {
    problems.push('BRAND_PHONE, BRAND_CONTACT_EMAIL or BRAND_WEBSITE_URL is required in production (CASL: a way to reach the sender besides the postal address)');
  }
  for (const key of ['BRAND_LOGO_URL', 'BRAND_WEBSITE_URL'] as const) {
    if (env[key] && !/^https:/i.test(env[key])) problems.push(`${key} must be https: in production (every URL in an email is)`);
  }
  return problems;
}

/** The brand's name in ASCII letters and digits, else MAIL_FROM's domain without its top level, at most 15 characters. */
export function defaultFeedbackSenderId(brandName: string, mailFrom: string): string {
  const ascii = (value: string) => value.normalize('NFKD').replace(/[^A-Za-z0-9.-]/g, '').toLowerCase().slice(0, 15);
  const name = ascii(brandName.replace(/\./g, ''));
  const domain = ascii((/@([^>\s]+)>?\s*$/.exec(mailFrom)?.[1] ?? '').replace(/\.[^.]+$/, ''));
  return [name, domain, ascii(name + domain)].find((id) => FEEDBACK_SENDER_ID.test(id)) ?? 'mail-sender';
}
