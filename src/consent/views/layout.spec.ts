import { escapeHtml, hiddenFields } from './layout';

describe(escapeHtml.name, () => {
  it('escapes every character that can leave text or an attribute', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
  });
});

describe(hiddenFields.name, () => {
  it('escapes values and skips undefined ones', () => {
    expect(hiddenFields({ a: '"><script>', b: undefined })).toBe(
      '<input type="hidden" name="a" value="&quot;&gt;&lt;script&gt;">',
    );
  });
});
