// The documentation stands alone: every relative link of the README and docs/ names a file of this
// repository, and nothing points outside it (the README once linked a file beside the repository).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = process.cwd();
const pages = ['README.md', 'BENCHMARKS.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f))].filter((f) => existsSync(f));

describe('the documentation', () => {
  it.each(pages)('%s links only to files of the repository', (page) => {
    const text = readFileSync(page, 'utf8');
    const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((target) => !/^(https?:|mailto:|#)/.test(target));
    const broken = targets.filter((target) => {
      const path = resolve(dirname(page), target.split('#')[0]!);
      return relative(root, path).startsWith('..') || !existsSync(path);
    });
    expect(broken).toEqual([]);
    expect(text).not.toMatch(/\.\.\/shared|\/work\/shared/);
  });
});
