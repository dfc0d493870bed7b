"""Fonts for PDF documents and pages: Noto Sans for Latin, Greek and Cyrillic, IBM Plex Sans
Arabic and Noto Sans SC, fetched from the npm registry as Fontsource packages (SIL Open Font
License 1.1).

The machine's own fonts cannot be relied on (a fresh Debian has DejaVu: no Chinese at all), so
the project fetches pinned packages itself (`manage.py fetchfonts`, run by `make run` and
`make test`), checks each tarball against the registry's sha512 pinned here, keeps only the faces
listed below, unpacks them from WOFF2 to TrueType once (so a PDF does not decompress 1 MB of
Chinese on every request), and writes `fonts.css`: the @font-face rules and the font-family of
each language, which `pdf_response` hands to WeasyPrint. The font directory is
self-contained: copy it to a machine without npm.

Pages get the Arabic and Chinese fonts too (a visitor's system may have neither), in `web/`:
the packages' WOFF2 files as published, with their @font-face rules and unicode-range in
`web/fonts.css`, so a browser downloads only the slices of the characters a page shows (a
Chinese page, a few of Noto Sans SC's 100 slices). `settings.STATICFILES_DIRS` serves the
folder as static files under `fonts/` (collected and hashed like the site's own CSS), and
`base.html` links its stylesheet; `site.css` puts each language's family first.

Limit: Fontsource's "chinese-simplified" face has 7,946 characters (GB 2312 and the common
additions), enough for names and ordinary text; a rarer character falls back to a system font.
"""

import base64
import hashlib
import io
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

STYLESHEET = "fonts.css"
# The pages' fonts: a folder of the font directory, with its own STYLESHEET.
WEB = "web"


@dataclass(frozen=True)
class Package:
    name: str  # on the npm registry
    version: str
    integrity: str  # the registry's dist.integrity for that version
    stylesheets: tuple[str, ...]  # files of the package holding its @font-face rules
    subsets: tuple[str, ...]  # the faces kept, by Fontsource subset name
    first_for: tuple[str, ...] = ()  # languages whose text takes these fonts first
    # The pages' fonts: the package's stylesheets whose faces pages use (none: pages use the
    # visitor's own fonts for this script), and the subsets kept of them (None: all).
    web: tuple[str, ...] = ()
    web_subsets: tuple[str, ...] | None = None

    def families(self) -> list[str]:
        """One font family per subset: WeasyPrint tells the fonts of a PDF apart by family,
        weight and style, so two files of one family would draw each other's glyph numbers
        (Cyrillic came out as Latin garbage)."""
        return [f"{self.slug}-{subset}" for subset in self.subsets]

    @property
    def slug(self) -> str:
        return self.name.rsplit("/", 1)[-1]


PACKAGES = (
    Package(
        "@fontsource/noto-sans",
        "5.3.0",
        "sha512-fBCog2PY7DiVVTEEqtI/Qdinx/knobHYfoGpjFXdfBX5RoJaBp1Prw2G75p0OIsdlMZg3cLo0c+YbIUYOxnQJw==",
        ("400.css", "700.css"),
        ("latin", "latin-ext", "cyrillic", "cyrillic-ext", "greek"),
    ),
    Package(
        # Not Noto Sans Arabic: it builds letters from shared dotless shapes plus dots, so the
        # PDF's glyph-to-text map (one text per glyph) turns ق into ت when text is copied or
        # searched. IBM Plex Sans Arabic has a glyph per letter form and copies back exactly.
        "@fontsource/ibm-plex-sans-arabic",
        "5.3.0",
        "sha512-ZZ4g+JDgQY0NqSh4o0MNWU1sHQmtcee1g++aKAwyJvZxnT5y51JXsN1cIXnaQaMd40dcbK6QFYa+Z1LbaiNuqA==",
        ("400.css", "700.css"),
        ("arabic",),
        first_for=("ar",),
        # Its Latin too, so Latin words in Arabic text match it; not its cyrillic-ext subset,
        # whose glyphs would mix with another font's basic Cyrillic.
        web=("400.css", "700.css"),
        web_subsets=("arabic", "latin", "latin-ext"),
    ),
    Package(
        "@fontsource/noto-sans-sc",
        "5.3.0",
        "sha512-HeqIlGm0+ohOKxZLuHj1qW6r6avHH0OWdKERAcSDI0RQ+MXrteuLKA+M+5eOA8rYy0MFvOR5AT0fQo2rUkye0Q==",
        # One face for the whole of simplified Chinese rather than the 97 slices of 400.css:
        # WeasyPrint loads every @font-face of a stylesheet for every document.
        ("chinese-simplified-400.css", "chinese-simplified-700.css"),
        ("chinese-simplified",),
        # Chinese punctuation and quotes in their Chinese forms.
        first_for=("zh-hans",),
        # Pages take the 100 slices of 400.css (Chinese by frequency, then Latin, Cyrillic,
        # Vietnamese): a browser loads only those holding the page's characters. No 700: the
        # browser makes bold from the regular, where real bold doubled the download of a page
        # (the parties in Chinese: 38 files, 1.15 MB; 23, 0.68 MB without; docs/decisions.md).
        web=("400.css",),
    ),
)

# The first line of fonts.css: a directory whose stylesheet starts otherwise is out of date.
# Bump the format when fetch writes something else from the same packages.
FORMAT = 3
MANIFEST = (
    f"/* revmod fonts {FORMAT}: " + " ".join(f"{p.name}@{p.version}" for p in PACKAGES) + " */"
)

# Fontsource names the numbered slices of a Chinese face "noto-sans-sc-[4]-400-normal".
FACE = re.compile(r"/\* (?P<name>[\w\[\]-]+) \*/\s*@font-face\s*\{(?P<body>[^}]*)\}")
WOFF2 = re.compile(r"url\(\./files/(?P<file>[\w.-]+\.woff2)\)")


class FontError(Exception):
    pass


def is_current(directory: Path) -> bool:
    """Whether `directory` holds the fonts of PACKAGES (as written by `fetch`)."""
    try:
        with open(directory / STYLESHEET, encoding="utf-8") as f:
            return f.readline().rstrip("\n") == MANIFEST
    except OSError:
        return False


def sri(data: bytes) -> str:
    """A Subresource Integrity string (as npm's dist.integrity) of `data`."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def faces(package: Package, css: str) -> list[tuple[str, str, str, str]]:
    """(face name, family, file in the package, @font-face body) of the faces of `css` kept
    for `package`, e.g. ('noto-sans-latin-400-normal', 'noto-sans-latin',
    'noto-sans-latin-400-normal.woff2', ...)."""
    wanted = re.compile(
        rf"(?P<family>{re.escape(package.slug)}-"
        rf"(?:{'|'.join(map(re.escape, package.subsets))}))-\d00-normal"
    )
    kept = []
    for match in FACE.finditer(css):
        if name := wanted.fullmatch(match["name"]):
            source = WOFF2.search(match["body"])
            if source is None:
                raise FontError(f"{package.name}: no WOFF2 file for {match['name']}")
            kept.append((match["name"], name["family"], source["file"], match["body"]))
    return kept


def font_face(name: str, family: str, body: str) -> str:
    """The @font-face rule for the TrueType file `name`.ttf of `family`, keeping style, weight
    and unicode-range from the Fontsource rule `body`."""
    lines = [f"font-family: '{family}';"]
    lines += [
        line.strip()
        for line in body.strip().splitlines()
        if line.strip().split(":")[0] in {"font-style", "font-weight", "unicode-range"}
    ]
    lines.append(f'src: url("{name}.ttf") format("truetype");')
    return "@font-face {\n  " + "\n  ".join(lines) + "\n}\n"


def web_faces(package: Package, css: str) -> list[tuple[str, str]]:
    """(file in the package, @font-face rule for pages) of the faces of `css` that pages use
    (`package.web_subsets`, or all): the rule as published (style, weight, display,
    unicode-range), with its WOFF2 file beside the stylesheet. Every browser that reads
    unicode-range reads WOFF2, so the WOFF fallback is left out. The family is the package's
    slug ('noto-sans-sc'), not the font's name: site.css's stacks name installed fonts ("Noto
    Sans SC"), which the download must not stand in for."""
    subsets = package.web_subsets
    wanted = re.compile(
        rf"{re.escape(package.slug)}-(?:{'|'.join(map(re.escape, subsets or ()))})-\d00-normal"
        if subsets
        else rf"{re.escape(package.slug)}-.+-\d00-normal"
    )
    kept = []
    for match in FACE.finditer(css):
        if not wanted.fullmatch(match["name"]):
            continue
        source = WOFF2.search(match["body"])
        if source is None:
            raise FontError(f"{package.name}: no WOFF2 file for {match['name']}")
        keep = {"font-style", "font-display", "font-weight", "unicode-range"}
        lines = [f"font-family: '{package.slug}';"]
        lines += [
            line.strip()
            for line in match["body"].strip().splitlines()
            if line.strip().split(":")[0] in keep
        ]
        lines.append(f'src: url("{source["file"]}") format("woff2");')
        kept.append((source["file"], "@font-face {\n  " + "\n  ".join(lines) + "\n}\n"))
    return kept


def stack(first: str | None) -> str:
    """The font-family list for text in `first` (a language code, or None): for each character,
    the first family that has it, the language's own script first."""
    ordered = sorted(PACKAGES, key=lambda p: first not in p.first_for)
    return ", ".join(f"'{f}'" for p in ordered for f in p.families()) + ", sans-serif"


def font_stacks() -> str:
    """The rules choosing the fonts of each language (see `stack`)."""
    rules = [f"html {{ font-family: {stack(None)}; }}\n"]
    for language in sorted({lang for p in PACKAGES for lang in p.first_for}):
        rules.append(f"html:lang({language}) {{ font-family: {stack(language)}; }}\n")
    return "".join(rules)


def unpack(package: Package, tarball: bytes, directory: Path) -> tuple[list[str], list[str]]:
    """Write the kept faces of `package` from its npm `tarball` into `directory` as TrueType
    files, the faces pages use into `directory`/WEB as WOFF2 files, and its licence beside
    each; return their @font-face rules (the PDFs', the pages')."""
    from fontTools.ttLib import woff2

    if sri(tarball) != package.integrity:
        raise FontError(f"{package.name}@{package.version}: checksum differs from the pinned one")
    rules = []
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:

        def read(member: str) -> bytes:
            handle = tar.extractfile(f"package/{member}")
            if handle is None:
                raise FontError(f"{package.name}: {member} is not a file")
            return handle.read()

        licence = read("LICENSE")
        (directory / f"{package.slug}.LICENSE.txt").write_bytes(licence)
        for stylesheet in package.stylesheets:
            kept = faces(package, read(stylesheet).decode())
            if not kept:
                raise FontError(f"{package.name}: no face of {package.subsets} in {stylesheet}")
            for name, family, file, body in kept:
                out = io.BytesIO()
                woff2.decompress(io.BytesIO(read(f"files/{file}")), out)
                (directory / f"{name}.ttf").write_bytes(out.getvalue())
                rules.append(font_face(name, family, body))
        web_rules = []
        for stylesheet in package.web:
            kept_web = web_faces(package, read(stylesheet).decode())
            if not kept_web:
                raise FontError(f"{package.name}: no face for pages in {stylesheet}")
            for file, rule in kept_web:
                (directory / WEB / file).write_bytes(read(f"files/{file}"))
                web_rules.append(rule)
        if package.web:
            (directory / WEB / f"{package.slug}.LICENSE.txt").write_bytes(licence)
    return rules, web_rules


def npm_pack(package: Package, into: Path) -> bytes:
    """The tarball of `package` at its pinned version, through npm (its cache, its registry
    settings)."""
    npm = shutil.which("npm")
    if npm is None:
        raise FontError(
            "npm is needed to fetch the PDF fonts (Debian: apt-get install npm), "
            "or copy a font directory made on another machine"
        )
    spec = f"{package.name}@{package.version}"
    done = subprocess.run(
        [npm, "pack", spec, "--pack-destination", str(into), "--silent"],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise FontError(f"npm pack {spec} failed: {done.stderr.strip()[-2000:]}")
    (tarball,) = into.glob("*.tgz")
    data = tarball.read_bytes()
    tarball.unlink()
    return data


def fetch(directory: Path, *, force: bool = False, pack=npm_pack) -> bool:
    """Make `directory` hold the fonts of PACKAGES and their fonts.css, and the pages' fonts
    and their stylesheet in `directory`/WEB; False when it already did. The new directory
    replaces the old one only once complete."""
    if is_current(directory) and not force:
        return False
    directory.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=directory.parent) as work:
        staging = Path(work) / "fonts"
        downloads = Path(work) / "downloads"
        staging.mkdir()
        (staging / WEB).mkdir()
        downloads.mkdir()
        rules, web_rules = [], []
        for package in PACKAGES:
            pdf, web = unpack(package, pack(package, downloads), staging)
            rules += pdf
            web_rules += web
        css = MANIFEST + "\n" + "".join(rules) + font_stacks()
        (staging / STYLESHEET).write_text(css, encoding="utf-8")
        # No font-family rules: site.css chooses the families of each language.
        web_css = MANIFEST + "\n" + "".join(web_rules)
        (staging / WEB / STYLESHEET).write_text(web_css, encoding="utf-8")
        if directory.exists():
            shutil.rmtree(directory)
        staging.rename(directory)
    return True
