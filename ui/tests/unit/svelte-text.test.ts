// Fails when a .svelte file shows text to people without the translator:
// any letter in a template text node, or a literal letter in an attribute
// that people see or hear (title, aria-label, placeholder, alt, …).
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'svelte/compiler';

const root = join(__dirname, '..', '..');
const VISIBLE_ATTRIBUTES = new Set([
  'title',
  'alt',
  'placeholder',
  'label',
  'value', // <input type="button" value="…">
  'aria-label',
  'aria-description',
  'aria-roledescription',
  'aria-placeholder',
  'aria-valuetext',
]);
const LETTER = /\p{L}/u;

function svelteFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? svelteFiles(join(dir, e.name)) : e.name.endsWith('.svelte') ? [join(dir, e.name)] : [],
  );
}

interface Finding {
  where: string;
  text: string;
}

export function findUntranslated(source: string, name = 'inline.svelte'): Finding[] {
  const ast = parse(source, { modern: true });
  const findings: Finding[] = [];
  const visit = (node: unknown, parentName: string): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; data?: string; name?: string; value?: unknown; start?: number };
    if (n.type === 'Comment') return;
    if (n.type === 'Text' && typeof n.data === 'string' && LETTER.test(n.data) && parentName !== 'attribute') {
      findings.push({ where: `${name}:${n.start}`, text: n.data.trim() });
      return;
    }
    if (n.type === 'Attribute') {
      const attrName = (n.name ?? '').toLowerCase();
      const parts = Array.isArray(n.value) ? n.value : [];
      if (VISIBLE_ATTRIBUTES.has(attrName)) {
        for (const part of parts as Array<{ type: string; data?: string }>) {
          if (part.type === 'Text' && part.data && LETTER.test(part.data)) {
            findings.push({ where: `${name}:${n.start} [${attrName}]`, text: part.data });
          }
        }
      }
      return; // other attributes (class, href, type, …) are not shown to people
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'instance' || key === 'module' || key === 'css' || key === 'options') continue;
      if (Array.isArray(value)) value.forEach((v) => visit(v, n.type ?? parentName));
      else if (value && typeof value === 'object') visit(value, n.type ?? parentName);
    }
  };
  visit(ast.fragment, 'root');
  return findings;
}

describe('no untranslated text in .svelte files', () => {
  it('the check itself catches text and attributes', () => {
    expect(findUntranslated('<p>Hello</p>')).toHaveLength(1);
    expect(findUntranslated('<button aria-label="Close">{t("close")}</button>')).toHaveLength(1);
    expect(findUntranslated('<img alt="مرحبا" src="x.png" />')).toHaveLength(1);
    expect(findUntranslated('<p>{t("x")} · {n}</p><a class="button" href="#/">{t("y")}</a>')).toEqual([]);
    expect(findUntranslated('<!-- a comment --><script>const s = "text";</script><p>{s}</p>')).toEqual([]);
  });

  const files = svelteFiles(join(root, 'src'));
  it('finds the components', () => {
    expect(files.length).toBeGreaterThan(5);
  });
  for (const file of files) {
    const name = relative(root, file);
    it(name, () => {
      expect(findUntranslated(readFileSync(file, 'utf8'), name)).toEqual([]);
    });
  }
});
