#!/bin/sh
# Regenerates ui/public/fonts from Debian's fonts-noto-core (OFL-1.1).
# Needs: apt-get install fonts-noto-core fonttools python3-brotli
# The output is committed, so a normal build never runs this.
set -eu
SRC=${NOTO_DIR:-/usr/share/fonts/truetype/noto}
OUT=$(dirname "$0")/../public/fonts
mkdir -p "$OUT"

# Latin for English and French (and Latin names in any language).
LATIN="U+0000-00FF,U+0100-017F,U+0180-024F,U+02B0-02FF,U+0300-036F,U+1E00-1EFF,U+2000-206F,U+20A0-20CF,U+2100-214F,U+2190-21FF,U+2212,U+2215,U+FEFF,U+FFFD"
# Arabic script for Arabic, Dari and Pashto, with the joiners and marks they need.
ARABIC="U+0600-06FF,U+0750-077F,U+0870-089F,U+08A0-08FF,U+FB50-FDFF,U+FE70-FEFF,U+200B-200F,U+2010-2011,U+2066-2069,U+25CC,U+0020-0040,U+00A0,U+00AB,U+00BB,U+2026"

for w in Regular Bold; do
  pyftsubset "$SRC/NotoSans-$w.ttf" --unicodes="$LATIN" --layout-features='*' \
    --flavor=woff2 --output-file="$OUT/NotoSans-$w.subset.woff2"
  pyftsubset "$SRC/NotoNaskhArabic-$w.ttf" --unicodes="$ARABIC" --layout-features='*' \
    --flavor=woff2 --output-file="$OUT/NotoNaskhArabic-$w.subset.woff2"
done
ls -l "$OUT"
