import crypto from 'node:crypto';

/** The relays whose event webhooks report bounces and complaints; each is off unless configured. */
export interface RelayWebhooksConfig {
  /** SendGrid's Event Webhook, verified with the ECDSA P-256 public key SendGrid shows. */
  sendGrid: { publicKey: crypto.KeyObject } | null;
  /** Postmark's bounce and spam-complaint webhooks, behind basic auth on the webhook URL. */
  postmark: { user: string; password: string } | null;
  /** Amazon SES event notifications through SNS, from these topics only. */
  ses: { topicArns: readonly string[] } | null;
}

export interface RelayWebhooksEnv {
  SENDGRID_WEBHOOK_PUBLIC_KEY?: string | undefined;
  POSTMARK_WEBHOOK_USER?: string | undefined;
  POSTMARK_WEBHOOK_PASSWORD?: string | undefined;
  SES_SNS_TOPIC_ARNS?: string | undefined;
}

const TOPIC_ARN = /^arn:aws(?:-cn|-us-gov)?:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** The relay webhooks turned on by the environment; every problem is pushed to `problems`. */
export function relayWebhooksConfig(e: RelayWebhooksEnv, problems: string[]): RelayWebhooksConfig {
  return { sendGrid: sendGridConfig(e, problems), postmark: postmarkConfig(e, problems), ses: sesConfig(e, problems) };
}

function sendGridConfig(e: RelayWebhooksEnv, problems: string[]): RelayWebhooksConfig['sendGrid'] {
  const text = e.SENDGRID_WEBHOOK_PUBLIC_KEY?.trim();
  if (!text) return null;
  const publicKey = ecdsaP256PublicKey(text);
  if (!publicKey) {
    problems.push('SENDGRID_WEBHOOK_PUBLIC_KEY must be the ECDSA P-256 verification key SendGrid shows (base64, or PEM)');
    return null;
  }
  return { publicKey };
}

/** SendGrid shows the key as base64 DER (SubjectPublicKeyInfo); a PEM copy is accepted too. */
function ecdsaP256PublicKey(text: string): crypto.KeyObject | null {
  try {
    const key = text.includes('-----BEGIN')
      ? crypto.createPublicKey(text.replace(/\\n/g, '\n'))
      : crypto.createPublicKey({ key: Buffer.from(text.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? key : null;
  } catch {
    return null;
  }
}

function postmarkConfig(e: RelayWebhooksEnv, problems: string[]): RelayWebhooksConfig['postmark'] {
  const user = e.POSTMARK_WEBHOOK_USER;
  const password = e.POSTMARK_WEBHOOK_PASSWORD;
  if (!user && !password) return null;
  if (!user || !password) {
    problems.push('POSTMARK_WEBHOOK_USER and POSTMARK_WEBHOOK_PASSWORD go together');
    return null;
  }
  // Basic auth puts "user:password" in one header: the user may not hold a colon.
  if (!/^[\x21-\x39\x3b-\x7e]{1,128}$/.test(user)) problems.push('POSTMARK_WEBHOOK_USER must be 1 to 128 printable ASCII characters without a colon or a space');
  if (!/^[\x21-\x7e]{16,256}$/.test(password)) problems.push('POSTMARK_WEBHOOK_PASSWORD must be 16 to 256 printable ASCII characters without a space');
  return { user, password };
}

function sesConfig(e: RelayWebhooksEnv, problems: string[]): RelayWebhooksConfig['ses'] {
  if (!e.SES_SNS_TOPIC_ARNS?.trim()) return null;
  const topicArns = e.SES_SNS_TOPIC_ARNS.split(',')
    .map((arn) => arn.trim())
    .filter(Boolean);
  for (const arn of topicArns) {
    if (!TOPIC_ARN.test(arn)) problems.push(`SES_SNS_TOPIC_ARNS: "${arn}" is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)`);
  }
  return { topicArns };
}
