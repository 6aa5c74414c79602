/** What an operator puts on the pages: BRAND_NAME, BRAND_LOGO_URL, BRAND_COLOR. */
export interface Brand {
  name: string;
  /** An https URL or a path on this server; validated at start-up. */
  logoUrl?: string;
  /** `#rrggbb`. */
  color: string;
}

export const DEFAULT_BRAND: Brand = { name: 'Tollgate', color: '#1d4ed8' };

function channel(hex: string, offset: number): number {
  const value = parseInt(hex.slice(offset, offset + 2), 16) / 255;
  return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
}

/** WCAG 2.2 relative luminance of `#rrggbb`. */
export function luminanceOf(color: string): number {
  return 0.2126 * channel(color, 1) + 0.7152 * channel(color, 3) + 0.0722 * channel(color, 5);
}

/** WCAG 2.2 contrast ratio between two `#rrggbb` colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminanceOf(a), luminanceOf(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

const WHITE = '#ffffff';
const INK = '#1b1f24';

/** The colours pages use, chosen so text on them meets WCAG AA (4.5:1) whatever the brand colour. */
export interface Palette {
  /** Buttons and the header rule. */
  accent: string;
  /** Text on the accent colour. */
  onAccent: string;
  /** Links and outlined buttons on the white page: the accent when it reads on white, ink otherwise. */
  link: string;
}

export function paletteOf(brand: Brand): Palette {
  const accent = brand.color.toLowerCase();
  return {
    accent,
    onAccent: contrastRatio(accent, WHITE) >= contrastRatio(accent, INK) ? WHITE : INK,
    link: contrastRatio(accent, WHITE) >= 4.5 ? accent : INK,
  };
}

/** The origin an https logo loads from, for the pages' Content-Security-Policy `img-src`. */
export function logoOrigin(brand: Brand): string | undefined {
  return brand.logoUrl?.startsWith('https://') ? new URL(brand.logoUrl).origin : undefined;
}
