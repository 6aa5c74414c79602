import { contrastRatio, logoOrigin, paletteOf } from './brand';

describe(paletteOf.name, () => {
  it('keeps a dark brand colour for links and puts white text on it', () => {
    expect(paletteOf({ name: 'X', color: '#1D4ED8' })).toEqual({
      accent: '#1d4ed8',
      onAccent: '#ffffff',
      link: '#1d4ed8',
    });
  });

  it('puts dark text on a light brand colour and does not use it for links', () => {
    const palette = paletteOf({ name: 'X', color: '#ffd400' });
    expect(palette.onAccent).toBe('#1b1f24');
    expect(palette.link).toBe('#1b1f24');
    expect(contrastRatio(palette.accent, palette.onAccent)).toBeGreaterThanOrEqual(4.5);
  });
});

describe(contrastRatio.name, () => {
  it('is 21 for black on white and 1 for a colour on itself', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#777777')).toBe(1);
  });
});

describe(logoOrigin.name, () => {
  it('names the origin of an https logo only', () => {
    expect(logoOrigin({ name: 'X', color: '#000000', logoUrl: 'https://cdn.example.com/a/logo.svg' })).toBe(
      'https://cdn.example.com',
    );
    expect(logoOrigin({ name: 'X', color: '#000000', logoUrl: '/logo.svg' })).toBeUndefined();
    expect(logoOrigin({ name: 'X', color: '#000000' })).toBeUndefined();
  });
});
