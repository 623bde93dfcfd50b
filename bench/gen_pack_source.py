#!/usr/bin/env python3
"""Writes an authoring folder for a large synthetic pack: about 2,000 files
of mixed sizes adding up to about TOTAL_MB. The mix is what real courses
carry: many small compressible lessons, fewer incompressible images, a few
large incompressible videos. Deterministic for a given seed."""
import os
import random
import sys


def main(out_dir, pack_id, total_mb=1024, files=2000, seed=7):
    rng = random.Random(seed)
    total = total_mb * 1024 * 1024
    # 70% of the files are small text (4-64 KiB), 25% images (64 KiB-1 MiB),
    # the remaining 5% share what is left of the budget as videos.
    n_text = int(files * 0.70)
    n_image = int(files * 0.25)
    n_video = files - n_text - n_image
    plan = [("text", rng.randint(4, 64) * 1024) for _ in range(n_text)]
    plan += [("image", rng.randint(64, 1024) * 1024) for _ in range(n_image)]
    used = sum(size for _, size in plan)
    per_video = max((total - used) // n_video, 1024)
    plan += [("video", per_video) for _ in range(n_video)]
    os.makedirs(os.path.join(out_dir, "lessons"), exist_ok=True)
    words = "the learner reads a short lesson about numbers letters health and safety".split()
    for i, (kind, size) in enumerate(plan):
        sub = {"text": "lessons", "image": "images", "video": "media"}[kind]
        ext = {"text": "html", "image": "png", "video": "mp4"}[kind]
        path = os.path.join(out_dir, sub, f"{kind}{i:05d}.{ext}")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            if kind == "text":
                text = " ".join(rng.choice(words) for _ in range(size // 5))
                f.write(text.encode()[:size])
            else:
                f.write(rng.randbytes(size))
    with open(os.path.join(out_dir, "lessons", "intro.en.html"), "w") as f:
        f.write("<h1>Benchmark</h1>")
    with open(os.path.join(out_dir, "pack.toml"), "w") as f:
        f.write(f'''id = "{pack_id}"
version = "1.0.0"
languages = ["en"]
subject = "numeracy"
level = "beginner"
license = "CC-BY-SA-4.0"
title = {{ en = "Benchmark pack {pack_id}" }}
description = {{ en = "Synthetic content for benchmarks." }}
publisher = {{ name = {{ en = "Qalam benchmarks" }} }}

[[lessons]]
id = "intro"
title = {{ en = "Intro" }}
content = {{ en = "lessons/intro.en.html" }}
''')


if __name__ == "__main__":
    out, pack_id = sys.argv[1], sys.argv[2]
    total_mb = int(sys.argv[3]) if len(sys.argv) > 3 else 1024
    files = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
    main(out, pack_id, total_mb, files)
