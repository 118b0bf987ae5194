#!/usr/bin/env bash
# Rebuilds the fallback fonts the PDF report ships in its jar, from Debian packages, into
# src/main/resources/dev/freight/format/fonts.
# Run by hand when a font should change; the build does not run it (the fonts are committed).
#   DroidSansFallback.ttf : CJK ideographs, Hangul, kana (fonts-droid-fallback, Apache-2.0), as shipped.
#     (DroidSansFallbackFull.ttf adds CJK Extension A but has no Hangul, so it is not the one.)
#   Symbola-symbols.ttf   : symbols, dingbats, arrows and emoji (fonts-symbola 2.60, "free for any use"),
#     subset to those blocks and unhinted: PDFs embed only the glyphs they use, this keeps the jar smaller.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$here/src/main/resources/dev/freight/format/fonts"
apt-get install -y -q fonts-droid-fallback fonts-symbola python3-fonttools >/dev/null
mkdir -p "$out"
cp /usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf "$out/DroidSansFallback.ttf"
/usr/bin/python3 -m fontTools.subset /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf \
  --unicodes='2000-2BFF,2E00-2E7F,1F000-1FAFF,FFFD' --no-hinting --layout-features='' --name-IDs='*' \
  --output-file="$out/Symbola-symbols.ttf"
cat /usr/share/doc/fonts-droid-fallback/copyright /usr/share/common-licenses/Apache-2.0 > "$out/DroidSansFallback.LICENSE.txt"
cp /usr/share/doc/fonts-symbola/copyright "$out/Symbola.LICENSE.txt"
ls -l "$out"
