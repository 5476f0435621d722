export interface Brand {
  name: string;
  logoUrl?: string;
  color: string;
  postalAddress: string;
  websiteUrl?: string;
  /** CASL asks for a way to reach the sender besides the postal address: a phone, an email address or a website. */
  phone?: string;
  contactEmail?: string;
}

/** A telephone number as people write it: digits, spaces, + ( ) . -, and an extension. */
export const PHONE_PATTERN = /^\+?[\d\s().-]{7,25}(?:\s*(?:ext\.?|x|poste)\s*\d{1,6})?$/i;
export const EMAIL_PATTERN = /^[^\s@<>"(),;:]+@[^\s@<>"(),;:]+\.[^\s@<>"(),;:]+$/;

export function isHttpsUrl(value: string): boolean {
  return isHttpUrl(value) && new URL(value).protocol === 'https:';
}

export function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Brand values end up in style attributes and links: reject anything but a hex colour, http(s)
 * URLs (https only when `httpsOnly`), a phone number and an email address.
 */
export function checkBrand(brand: Brand, { httpsOnly = false }: { httpsOnly?: boolean } = {}): Brand {
  const problems: string[] = [];
  if (!brand.name.trim()) problems.push('name is empty');
  if (!brand.postalAddress.trim()) problems.push('postalAddress is empty (CASL requires it)');
  if (!/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(brand.color)) problems.push('color must be #rgb or #rrggbb');
  for (const key of ['logoUrl', 'websiteUrl'] as const) {
    const url = brand[key];
    if (url !== undefined && !(httpsOnly ? isHttpsUrl(url) : isHttpUrl(url))) problems.push(`${key} must be an ${httpsOnly ? 'https' : 'http(s)'} URL`);
  }
  if (brand.phone !== undefined && !PHONE_PATTERN.test(brand.phone.trim())) problems.push('phone must be a telephone number');
  if (brand.contactEmail !== undefined && !EMAIL_PATTERN.test(brand.contactEmail)) problems.push('contactEmail must be an email address');
  if (problems.length > 0) throw new Error(`Invalid email brand: ${problems.join('; ')}`);
  return { ...brand, color: expandHex(brand.color).toLowerCase() };
}

/** A website as a footer shows it: no scheme, no trailing slash (`serveitpro.example`). */
export function websiteLabel(url: string): string {
  const { host, pathname, search } = new URL(url);
  return `${host}${pathname === '/' ? '' : pathname}${search}`;
}

function expandHex(color: string): string {
  return color.length === 4 ? `#${[...color.slice(1)].map((c) => c + c).join('')}` : color;
}

function relativeLuminance(hex: string): number {
  const channel = (i: number): number => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(expandHex(a)), relativeLuminance(expandHex(b))].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

/** White or near-black, whichever reads better on the brand colour (WCAG contrast). */
export function textColorOn(background: string): string {
  const dark = '#111827';
  return contrastRatio(background, '#ffffff') >= contrastRatio(background, dark) ? '#ffffff' : dark;
}
