import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FluentParser, type Resource } from '@fluent/syntax';

const root = join(__dirname, '..', '..');
const localesDir = join(root, 'locales');
const parser = new FluentParser({ withSpans: false });

function parse(locale: string): Resource {
  return parser.parse(readFileSync(join(localesDir, locale, 'main.ftl'), 'utf8'));
}

function ids(resource: Resource): Set<string> {
  const out = new Set<string>();
  for (const entry of resource.body) {
    if (entry.type === 'Message' || entry.type === 'Term') {
      const id = (entry.type === 'Term' ? '-' : '') + entry.id.name;
      out.add(id);
      for (const attr of entry.attributes) out.add(`${id}.${attr.id.name}`);
    }
  }
  return out;
}

/** Every select expression in a resource, with the message it is in and its variant keys. */
function selects(resource: Resource): Array<{ id: string; keys: string[] }> {
  const found: Array<{ id: string; keys: string[] }> = [];
  const visit = (node: unknown, id: string): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; variants?: Array<{ key: { name?: string; value?: string } }> };
    if (n.type === 'SelectExpression' && n.variants) {
      found.push({ id, keys: n.variants.map((v) => v.key.name ?? v.key.value ?? '') });
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach((v) => visit(v, id));
      else if (value && typeof value === 'object') visit(value, id);
    }
  };
  for (const entry of resource.body) {
    if (entry.type === 'Message' || entry.type === 'Term') visit(entry, entry.id.name);
  }
  return found;
}

const locales = readdirSync(localesDir);
const en = parse('en');
const enIds = ids(en);

describe('locales', () => {
  it('ships en, ar, fr and fa-AF', () => {
    expect(locales.sort()).toEqual(['ar', 'en', 'fa-AF', 'fr']);
  });

  for (const locale of locales) {
    it(`${locale}/main.ftl parses without junk`, () => {
      const junk = parse(locale).body.filter((e) => e.type === 'Junk');
      expect(junk.map((j) => (j.type === 'Junk' ? j.content.slice(0, 80) : ''))).toEqual([]);
    });

    it(`${locale}/main.ftl has no id that English lacks`, () => {
      const extra = [...ids(parse(locale))].filter((id) => !enIds.has(id));
      expect(extra).toEqual([]);
    });
  }

  it('ar/main.ftl has every message of en/main.ftl', () => {
    const ar = ids(parse('ar'));
    const missing = [...enIds].filter((id) => !ar.has(id));
    expect(missing).toEqual([]);
  });

  it('every Arabic plural covers zero, one, two, few, many and other', () => {
    const englishPlurals = new Set(selects(en).map((s) => s.id));
    const arSelects = selects(parse('ar'));
    expect(arSelects.length).toBeGreaterThan(0);
    for (const id of englishPlurals) {
      const s = arSelects.find((x) => x.id === id);
      expect(s, `ar is missing the plural select in ${id}`).toBeDefined();
      for (const category of ['zero', 'one', 'two', 'few', 'many', 'other']) {
        expect(s?.keys, `${id} lacks [${category}]`).toContain(category);
      }
    }
  });

  it('every message id used in src/ exists in English', () => {
    const used = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.(svelte|ts)$/.test(entry.name)) {
          const text = readFileSync(path, 'utf8');
          for (const m of text.matchAll(/\bt\(\s*'([a-z0-9-_]+)'/g)) used.add(m[1] as string);
          // Template ids such as t(`lesson-kind-${kind}`): check each known value.
          for (const m of text.matchAll(/\bt\(\s*`([a-z0-9-_]+)-\$\{/g)) used.add(`${m[1]}-*`);
        }
      }
    };
    walk(join(root, 'src'));
    const expansions: Record<string, string[]> = {
      'error-*': [
        'bad_request', 'not_found', 'pack_refused', 'untrusted', 'disk_full', 'io', 'internal',
        'unauthenticated', 'forbidden', 'wrong_pin', 'slow_down', 'not_yet', 'conflict', 'interrupted', 'unavailable',
        'not_enrolled', 'already_enrolled', 'bad_address', 'server_unreachable', 'enrol_code_refused', 'server_refused',
        'server_version', 'sync_failed', 'stick_missing', 'bundle_tampered', 'bundle_other_org',
        'bundle_other_device', 'bundle_own', 'bundle_unreadable', 'enrolment_file_missing', 'enrolment_file_bad',
        'bundle_other_centre', 'not_certified',
      ],
      'sync-error-*': ['server_unreachable', 'server_refused', 'server_version', 'sync_failed', 'not_enrolled', 'internal'],
      'lesson-kind-*': ['html', 'markdown', 'pdf', 'video', 'audio'],
      'outcome-*': ['installed', 'updated', 'unchanged', 'refused', 'interrupted'],
      'import-reason-*': ['not_found', 'invalid_pack', 'untrusted', 'version_conflict', 'disk_full', 'interrupted', 'device_error'],
      'picture-*': ['sun', 'tree', 'cat', 'fish', 'star', 'house', 'apple', 'bird', 'flower'],
      'colour-*': ['red', 'orange', 'green', 'teal', 'blue', 'purple', 'pink', 'brown', 'grey', 'black'],
      'learners-kind-*': ['pin', 'pictures', 'none'],
      'learners-signin-*': ['pin', 'pictures', 'none'],
      'progress-next-*': ['continue', 'quiz', 'start'],
      'progress-go-*': ['continue', 'quiz', 'start'],
      'progress-status-*': ['done', 'quiz', 'started', 'todo'],
    };
    const missing: string[] = [];
    for (const id of used) {
      if (id.endsWith('-*')) {
        const values = expansions[id];
        expect(values, `no expansion list for ${id}`).toBeDefined();
        for (const v of values ?? []) {
          const full = id.replace('*', v);
          if (!enIds.has(full)) missing.push(full);
        }
      } else if (!enIds.has(id)) {
        missing.push(id);
      }
    }
    expect(missing).toEqual([]);
  });
});
