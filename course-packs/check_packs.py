#!/usr/bin/env python3
"""Offline checks for Qalam course-pack authoring folders (docs/PACK_FORMAT.md).

Usage: python3 course-packs/check_packs.py [PACK_DIR ...]
With no argument, checks every folder under course-packs/ that has a pack.toml.

This is an author's helper, not the reader: `qalam pack build` remains the
authority. It checks the manifest rules, that every referenced file exists,
that file names are safe, and that lesson HTML/SVG/Markdown stays inside the
content sandbox (no scripts, no external URLs, no foreignObject).
Exit status 1 when an error is found. Warnings do not fail.
"""
import os, re, sys, tomllib, unicodedata
import xml.etree.ElementTree as ET

ID_RE = re.compile(r'^[a-z0-9][a-z0-9._-]{2,63}$')
LESSON_ID_RE = re.compile(r'^[a-z0-9][a-z0-9._-]{0,63}$')
SEMVER_RE = re.compile(r'^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$')
LANG_RE = re.compile(r'^[a-zA-Z]{2,3}(?:-[A-Za-z0-9]{2,8})*$')
SAFE_NAME_RE = re.compile(r'^[a-z0-9][a-z0-9._-]*$')
LEVELS = {'beginner', 'intermediate', 'advanced', 'A1', 'A2', 'B1', 'B2', 'C1', 'C2'}
KINDS = {'.html': 'html', '.htm': 'html', '.md': 'markdown', '.pdf': 'pdf', '.mp4': 'video',
         '.webm': 'video', '.mp3': 'audio', '.ogg': 'audio', '.oga': 'audio', '.opus': 'audio',
         '.m4a': 'audio'}
RESERVED = {'con', 'prn', 'aux', 'nul'} | {f'com{i}' for i in range(1, 10)} | {f'lpt{i}' for i in range(1, 10)}


class Report:
    def __init__(self, name):
        self.name, self.errors, self.warnings = name, [], []
        self.missing = {}  # language -> places whose text falls back to the default language

    def err(self, msg):
        self.errors.append(msg)

    def warn(self, msg):
        self.warnings.append(msg)


def check_text(r, where, value, langs, required_langs=None, nonempty=True):
    if not isinstance(value, dict) or not value:
        r.err(f'{where}: localized text must be a non-empty map of language -> text')
        return
    for k, v in value.items():
        if not LANG_RE.match(k):
            r.err(f'{where}: bad language tag {k!r}')
        if not isinstance(v, str) or (nonempty and not v.strip()):
            r.err(f'{where}.{k}: must be a non-empty string')
    for lang in (required_langs or []):
        if lang not in value:
            r.missing.setdefault(lang, []).append(where)


def safe_path(r, path):
    if not isinstance(path, str) or not path:
        r.err(f'path {path!r}: empty or not a string')
        return False
    ok = True
    if path.startswith('/') or '\\' in path or ':' in path or unicodedata.normalize('NFC', path) != path:
        r.err(f'path {path!r}: not a safe relative path')
        ok = False
    for comp in path.split('/'):
        if comp in ('', '.', '..') or comp.startswith('.') or comp.endswith(('.', ' ')):
            r.err(f'path {path!r}: bad component {comp!r}')
            ok = False
        elif comp.split('.')[0].lower() in RESERVED:
            r.err(f'path {path!r}: Windows reserved name {comp!r}')
            ok = False
        elif not SAFE_NAME_RE.match(comp):
            r.err(f'path {path!r}: use lowercase ASCII letters, digits, ".", "-", "_" only')
            ok = False
    return ok


def list_files(root):
    out = []
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if not x.startswith('.'))
        for f in sorted(files):
            if f.startswith('.'):
                continue
            full = os.path.join(d, f)
            rel = os.path.relpath(full, root).replace(os.sep, '/')
            out.append(rel)
    return out


URL_ATTR_RE = re.compile(r'''\b(?:src|href|poster|data|action|srcset|xlink:href)\s*=\s*["']([^"']*)["']''', re.I)
CSS_URL_RE = re.compile(r'''url\(\s*["']?([^"')]*)["']?\s*\)''', re.I)
MD_LINK_RE = re.compile(r'!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)')


def check_refs(r, pack_dir, rel, refs, files_set):
    base = os.path.dirname(rel)
    for ref in refs:
        ref = ref.strip()
        if not ref or ref.startswith('#'):
            continue
        if re.match(r'^[a-z][a-z0-9+.-]*:', ref, re.I):
            if not ref.lower().startswith('data:'):
                r.err(f'{rel}: external or scheme URL {ref!r} (the sandbox allows only files of the pack)')
            continue
        if ref.startswith('/'):
            r.err(f'{rel}: absolute path {ref!r}; use a relative path')
            continue
        target = os.path.normpath(os.path.join(base, ref.split('#')[0].split('?')[0])).replace(os.sep, '/')
        if target.startswith('..'):
            r.err(f'{rel}: {ref!r} points outside the pack')
        elif target not in files_set:
            r.err(f'{rel}: {ref!r} -> {target} does not exist')


def check_html(r, pack_dir, rel, files_set, lang):
    text = open(os.path.join(pack_dir, rel), encoding='utf-8').read()
    low = text.lower()
    if '<script' in low:
        r.err(f'{rel}: contains <script> (scripts never run in lessons)')
    if re.search(r'\son[a-z]+\s*=', low):
        r.err(f'{rel}: contains an on* event attribute')
    for tag in ('<iframe', '<object', '<embed', '<form', '<base', '<link rel="preload"', '@import', '@font-face'):
        if tag in low:
            r.warn(f'{rel}: contains {tag}')
    refs = URL_ATTR_RE.findall(text) + CSS_URL_RE.findall(text)
    check_refs(r, pack_dir, rel, refs, files_set)
    m = re.search(r'<html[^>]*\blang="([^"]+)"', text)
    if not m:
        r.err(f'{rel}: <html> has no lang attribute')
    elif m.group(1) != lang:
        r.err(f'{rel}: <html lang="{m.group(1)}"> but the manifest says {lang!r}')
    rtl = lang.split('-')[0] in ('ar', 'fa', 'ps', 'ur', 'he')
    if rtl and not re.search(r'<html[^>]*\bdir="rtl"', text):
        r.err(f'{rel}: right-to-left language without <html dir="rtl">')
    for m in re.finditer(r'<img\b[^>]*>', text, re.I):
        if not re.search(r'\balt\s*=\s*"[^"]+"', m.group(0)):
            r.err(f'{rel}: <img> without alt text: {m.group(0)[:80]}')
    if '<meta charset="utf-8">' not in low:
        r.warn(f'{rel}: no <meta charset="utf-8">')


def check_markdown(r, pack_dir, rel, files_set):
    text = open(os.path.join(pack_dir, rel), encoding='utf-8').read()
    check_refs(r, pack_dir, rel, MD_LINK_RE.findall(text), files_set)
    if re.search(r'<[a-zA-Z/][^>]*>', text):
        r.warn(f'{rel}: raw HTML in Markdown is shown escaped, as text')


def check_svg(r, pack_dir, rel, files_set):
    path = os.path.join(pack_dir, rel)
    text = open(path, encoding='utf-8').read()
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        r.err(f'{rel}: not well-formed XML: {e}')
        return
    for el in root.iter():
        tag = el.tag.split('}')[-1].lower()
        if tag in ('script', 'foreignobject', 'iframe', 'image', 'use', 'a'):
            if tag in ('use', 'image', 'a'):
                for k, v in el.attrib.items():
                    if k.split('}')[-1] == 'href' and not v.startswith('#'):
                        r.err(f'{rel}: <{tag}> references {v!r}')
            else:
                r.err(f'{rel}: contains <{tag}>')
        for k, v in el.attrib.items():
            if k.split('}')[-1].lower().startswith('on'):
                r.err(f'{rel}: event attribute {k}')
            if 'url(' in v and not re.search(r'url\(\s*#', v):
                r.err(f'{rel}: external url() in {k}')
    if '<!doctype' in text.lower() or '<!entity' in text.lower():
        r.err(f'{rel}: DOCTYPE/ENTITY declarations are not allowed')
    if 'http://' in text.replace('http://www.w3.org/2000/svg', '').replace('http://www.w3.org/1999/xlink', ''):
        r.err(f'{rel}: contains an http:// reference')
    if not re.search(r'<title\b', text):
        r.warn(f'{rel}: no <title> (accessible name)')


def check_pack(pack_dir):
    r = Report(os.path.basename(os.path.normpath(pack_dir)))
    toml_path = os.path.join(pack_dir, 'pack.toml')
    try:
        m = tomllib.load(open(toml_path, 'rb'))
    except Exception as e:
        r.err(f'pack.toml: {e}')
        return r, {}
    for f in ('format', 'files'):
        if f in m:
            r.err(f'pack.toml: {f!r} must not be written by hand; the build fills it in')
    if not ID_RE.match(str(m.get('id', ''))):
        r.err(f'id {m.get("id")!r}: 3-64 of a-z 0-9 . - _, starting with a letter or digit')
    if not SEMVER_RE.match(str(m.get('version', ''))):
        r.err(f'version {m.get("version")!r}: not a semantic version')
    langs = m.get('languages')
    if not isinstance(langs, list) or not langs or not all(isinstance(x, str) and LANG_RE.match(x) for x in langs):
        r.err('languages: a non-empty list of language tags')
        langs = []
    check_text(r, 'title', m.get('title'), langs, langs)
    check_text(r, 'description', m.get('description'), langs, langs, nonempty=False)
    subj = m.get('subject')
    if not isinstance(subj, str) or not re.match(r'^[a-z][a-z0-9-]*$', subj):
        r.err(f'subject {subj!r}: a short lowercase tag')
    if m.get('level') not in LEVELS:
        r.err(f'level {m.get("level")!r}: one of {sorted(LEVELS)}')
    pub = m.get('publisher')
    if not isinstance(pub, dict):
        r.err('publisher: missing')
    else:
        check_text(r, 'publisher.name', pub.get('name'), langs, langs)
    if not isinstance(m.get('license'), str) or not m['license']:
        r.err('license: an SPDX identifier')

    files = list_files(pack_dir)
    files_set = set(files)
    lowered = {}
    for f in files:
        if f == 'pack.toml':
            continue
        if f in ('manifest.json', 'signature.json'):
            r.err(f'{f}: reserved name')
        safe_path(r, f)
        if f.lower() in lowered:
            r.err(f'{f}: same name as {lowered[f.lower()]} when case is ignored')
        lowered[f.lower()] = f
    for d, dirs, fs in os.walk(pack_dir):
        for x in dirs + fs:
            p = os.path.join(d, x)
            if os.path.islink(p):
                r.err(f'{os.path.relpath(p, pack_dir)}: symlinks are not allowed')

    quizzes = m.get('quizzes', [])
    quiz_ids = set()
    referenced = set()
    lessons = m.get('lessons', [])
    if not lessons:
        r.err('lessons: at least one')
    seen = set()
    for i, les in enumerate(lessons):
        lid = les.get('id', '')
        w = f'lessons[{lid or i}]'
        if not LESSON_ID_RE.match(str(lid)):
            r.err(f'{w}: bad id')
        if lid in seen:
            r.err(f'{w}: duplicate id')
        seen.add(lid)
        check_text(r, f'{w}.title', les.get('title'), langs, langs)
        content = les.get('content')
        if not isinstance(content, dict) or not content:
            r.err(f'{w}.content: a map of language -> path')
            content = {}
        for lang, path in content.items():
            if not LANG_RE.match(lang):
                r.err(f'{w}.content: bad language tag {lang!r}')
            if lang not in langs:
                r.warn(f'{w}.content: {lang!r} is not in languages')
            if not safe_path(r, path):
                continue
            if path not in files_set:
                r.err(f'{w}.content.{lang}: {path} does not exist')
                continue
            ext = os.path.splitext(path)[1].lower()
            if ext not in KINDS:
                r.err(f'{w}.content.{lang}: {path}: unknown content kind')
            referenced.add(path)
        if langs and langs[0] not in content:
            r.warn(f'{w}.content: no content in the default language {langs[0]!r}')
        d = les.get('duration_minutes')
        if d is not None and (not isinstance(d, int) or d <= 0):
            r.err(f'{w}.duration_minutes: a positive whole number')
        comp = les.get('completion', {'kind': 'viewed'})
        kind = comp.get('kind') if isinstance(comp, dict) else None
        if kind not in ('viewed', 'time', 'quiz_mastered'):
            r.err(f'{w}.completion: unknown kind {kind!r}')
        if kind == 'time' and not (isinstance(comp.get('min_seconds'), int) and comp['min_seconds'] > 0):
            r.err(f'{w}.completion: time needs min_seconds > 0')
        if kind == 'quiz_mastered' and not les.get('quiz'):
            r.err(f'{w}.completion: quiz_mastered needs a quiz')
        if les.get('quiz') is not None:
            if les['quiz'] not in {q.get('id') for q in quizzes}:
                r.err(f'{w}.quiz: no quiz {les["quiz"]!r}')

    counts = {}
    for qi, q in enumerate(quizzes):
        qid = q.get('id', '')
        w = f'quizzes[{qid or qi}]'
        if not LESSON_ID_RE.match(str(qid)):
            r.err(f'{w}: bad id')
        if qid in quiz_ids:
            r.err(f'{w}: duplicate id')
        quiz_ids.add(qid)
        check_text(r, f'{w}.title', q.get('title'), langs, langs)
        p = (q.get('mastery') or {}).get('min_score_percent')
        if not isinstance(p, (int, float)) or not 1 <= p <= 100:
            r.err(f'{w}.mastery.min_score_percent: 1..100')
        qs = q.get('questions', [])
        if not qs:
            r.err(f'{w}: at least one question')
        qseen = set()
        for j, qq in enumerate(qs):
            ww = f'{w}.questions[{qq.get("id") or j}]'
            if not qq.get('id') or qq['id'] in qseen:
                r.err(f'{ww}: missing or duplicate id')
            qseen.add(qq.get('id'))
            t = qq.get('type')
            counts[t] = counts.get(t, 0) + 1
            check_text(r, f'{ww}.prompt', qq.get('prompt'), langs, langs)
            fb = qq.get('feedback')
            if fb is not None:
                for k in ('correct', 'incorrect'):
                    if k in fb:
                        check_text(r, f'{ww}.feedback.{k}', fb[k], langs, langs)
            else:
                r.warn(f'{ww}: no feedback')
            if t in ('single_choice', 'multiple_choice'):
                ch = qq.get('choices', [])
                if not 2 <= len(ch) <= 12:
                    r.err(f'{ww}: 2-12 choices')
                cids = [c.get('id') for c in ch]
                if len(set(cids)) != len(cids) or not all(cids):
                    r.err(f'{ww}: choice ids missing or not unique')
                ncorrect = sum(1 for c in ch if c.get('correct') is True)
                for c in ch:
                    check_text(r, f'{ww}.choices[{c.get("id")}].text', c.get('text'), langs, langs)
                    if 'feedback' in c:
                        check_text(r, f'{ww}.choices[{c.get("id")}].feedback', c['feedback'], langs, langs)
                    if 'correct' in c and not isinstance(c['correct'], bool):
                        r.err(f'{ww}: correct must be true or false')
                if t == 'single_choice' and ncorrect != 1:
                    r.err(f'{ww}: single_choice needs exactly one correct choice (has {ncorrect})')
                if t == 'multiple_choice' and ncorrect < 1:
                    r.err(f'{ww}: multiple_choice needs at least one correct choice')
            elif t == 'numeric':
                if not isinstance(qq.get('answer'), (int, float)) or isinstance(qq.get('answer'), bool):
                    r.err(f'{ww}: numeric needs a number answer')
                tol = qq.get('tolerance', 0)
                if not isinstance(tol, (int, float)) or tol < 0:
                    r.err(f'{ww}: tolerance must be a number >= 0')
                if 'unit' in qq:
                    check_text(r, f'{ww}.unit', qq['unit'], langs)
            elif t == 'short_text':
                acc = qq.get('accept')
                if not isinstance(acc, dict) or not acc or not all(isinstance(v, list) and v and all(isinstance(s, str) and s.strip() for s in v) for v in acc.values()):
                    r.err(f'{ww}: short_text needs accept = {{lang = ["answer", ...]}}')
            else:
                r.err(f'{ww}: unknown type {t!r}')

    # Everything the lessons embed must exist; everything in the folder should be used.
    for f in files:
        ext = os.path.splitext(f)[1].lower()
        if ext in ('.html', '.htm'):
            lang = next((l for l, p in ((l, p) for les in lessons for l, p in les.get('content', {}).items()) if p == f), None)
            check_html(r, pack_dir, f, files_set, lang or '?')
        elif ext == '.md' and f != 'README.md':
            check_markdown(r, pack_dir, f, files_set)
        elif ext == '.svg':
            check_svg(r, pack_dir, f, files_set)
    used = set(referenced)
    for f in files:
        if os.path.splitext(f)[1].lower() in ('.html', '.htm', '.md'):
            text = open(os.path.join(pack_dir, f), encoding='utf-8').read()
            for ref in URL_ATTR_RE.findall(text) + MD_LINK_RE.findall(text):
                used.add(os.path.normpath(os.path.join(os.path.dirname(f), ref)).replace(os.sep, '/'))
    for f in files:
        if f != 'pack.toml' and f not in used:
            r.warn(f'{f}: not used by any lesson (it still goes into the pack)')
    size = sum(os.path.getsize(os.path.join(pack_dir, f)) for f in files)
    return r, {'lessons': len(lessons), 'quizzes': len(quizzes), 'files': len(files),
               'bytes': size, 'question_types': counts}


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    dirs = argv or sorted(os.path.join(here, d) for d in os.listdir(here)
                          if os.path.isfile(os.path.join(here, d, 'pack.toml')))
    failed = 0
    for d in dirs:
        r, info = check_pack(d)
        print(f'== {r.name}: {info}')
        for w in r.warnings:
            print(f'  warning: {w}')
        for lang, places in sorted(r.missing.items()):
            print(f'  note: {len(places)} texts have no {lang!r} version and fall back to the default language'
                  + (f' (e.g. {places[0]})' if places else ''))
        for e in r.errors:
            print(f'  ERROR: {e}')
        if r.errors:
            failed += 1
    print(f'{len(dirs) - failed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
