import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const README = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');
}

describe('README', () => {
  it('has a table of contents listing every section, in order', () => {
    const sections = README.split('\n')
      .filter((line) => line.startsWith('## ') && line !== '## Contents')
      .map((line) => line.slice(3));
    const contents = README.slice(
      README.indexOf('## Contents\n'),
      README.indexOf('\n## ', README.indexOf('## Contents\n') + 1),
    );
    const entries = [...contents.matchAll(/^- \[([^\]]+)\]\(#([^)]+)\)$/gm)].map((match) => ({
      title: match[1],
      anchor: match[2],
    }));
    expect(entries).toEqual(sections.map((title) => ({ title, anchor: anchorOf(title) })));
  });

  it('keeps every table within 100 columns', () => {
    const wide = README.split('\n').filter((line) => line.startsWith('|') && line.length > 100);
    expect(wide).toEqual([]);
  });

  it('has no leftover HTML comments', () => {
    expect(README).not.toContain('<!--');
  });
});
