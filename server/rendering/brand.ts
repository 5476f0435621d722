export interface Brand {
  name: string;
  logoUrl?: string;
  color: string;
  postalAddress: string;
  websiteUrl?: string;
}

export function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** Brand values end up in style attributes and links: reject anything but a hex colour and http(s) URLs. */
export function checkBrand(brand: Brand): Brand {
  const problems: string[] = [];
  if (!brand.name.trim()) problems.push('name is empty');
  if (!brand.postalAddress.trim()) problems.push('postalAddress is empty (CASL requires it)');
  if (!/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(brand.color)) problems.push('color must be #rgb or #rrggbb');
  for (const key of ['logoUrl', 'websiteUrl'] as const) {
    const url = brand[key];
    if (url !== undefined && !isHttpUrl(url)) problems.push(`${key} must be an http(s) URL`);
  }
  if (problems.length > 0) throw new Error(`Invalid email brand: ${problems.join('; ')}`);
  return { ...brand, color: expandHex(brand.color).toLowerCase() };
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
