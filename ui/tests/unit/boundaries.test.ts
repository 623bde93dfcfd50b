// src/platform/ is the only code that knows Tauri or HTTP (docs/architecture).
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const src = join(root, 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|js|svelte)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe('platform boundary', () => {
  const outside = files(src).filter((f) => !relative(src, f).startsWith(`platform${sep}`));

  it('has files to check', () => {
    expect(outside.length).toBeGreaterThan(5);
  });

  for (const file of outside) {
    it(relative(root, file), () => {
      const text = readFileSync(file, 'utf8');
      expect(text).not.toMatch(/@tauri-apps\//);
      expect(text).not.toMatch(/__TAURI/);
      expect(text).not.toMatch(/\bfetch\s*\(/);
      expect(text).not.toMatch(/\bXMLHttpRequest\b|\bWebSocket\b|\bEventSource\b/);
      expect(text).not.toMatch(/['"`]\/(api|content)\//);
    });
  }

  it('loads nothing from the network: no http(s) URLs in the built sources', () => {
    for (const file of files(src)) {
      const text = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
      const urls = text.match(/https?:\/\/[^\s'"`)]+/g) ?? [];
      // The Windows content origin of Tauri is the one allowed URL.
      expect(urls.filter((u) => !u.startsWith('http://qalam-pack.localhost/')), relative(root, file)).toEqual([]);
    }
  });
});
