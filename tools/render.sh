#!/usr/bin/env bash
# Render DOCX files to PNG pages for looking at them: LibreOffice → PDF → pdftoppm, with the
# free stand-in fonts of tools/fonts.conf. Usage: tools/render.sh OUTDIR file.docx …
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1; shift
mkdir -p "$out"
export FONTCONFIG_FILE="$here/fonts.conf"
for docx in "$@"; do
  name=$(basename "${docx%.docx}")
  libreoffice --headless --convert-to pdf --outdir "$out" "$docx" >/dev/null 2>&1
  pdftoppm -png -r "${DPI:-60}" "$out/$name.pdf" "$out/$name"
done
