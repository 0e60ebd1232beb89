"""Check the Markdown body of a news item or page before it is rendered (DESIGN.md §4).

`check_body` returns each problem as (file line, message): HTML outside the
allowlist, unsafe URLs, images from other sites, and nesting or expansion
beyond the limits below. It also returns the `{filename}`/`{static}`/`{attach}`
links, whose targets only the cross-file rules can check. Code spans and code
blocks are text: nothing inside them is checked.
"""

from __future__ import annotations

import bisect
import html
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import unquote

from markdown.extensions.abbr import AbbrBlockprocessor
from markdown.extensions.attr_list import get_attrs_and_remainder
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.inlinepatterns import AUTOLINK_RE, AUTOMAIL_RE, BACKTICK_RE, BacktickInlineProcessor

from .html_allowlist import (
    INTRASITE,
    TAGS,
    URL_ATTRIBUTES,
    URL_SCHEMES,
    attributes_of,
    is_attachment_path,
)

MAX_NESTING = 20
"""Levels of lists, quotes (>) or open brackets ([) inside one another."""
MAX_EXPANSION = 100_000
"""Characters that abbreviations (*[SIGLA]: ...) and reference links may add when rendered."""
MAX_ABBREVIATIONS = 100
"""Abbreviation definitions in one body (each one is searched for in the whole text)."""
MAX_INLINE_MARKS = 2_000
"""Formatting marks in one paragraph: runs of * _ or `, and each [ < & or \\.

Python-Markdown rewrites the whole paragraph for each one it handles, so a
paragraph made of marks takes time that grows with the square of its length.
"""
MAX_OPEN_LINKS = 5
"""Links in one paragraph whose ( is not closed nearby: each one makes Python-Markdown
read the rest of the paragraph character by character."""
MAX_OPEN_TAGS = 5
"""`<` plus a letter not closed with `>`, in the whole body: each one makes the HTML
reader look for its end up to the next `>`, possibly the end of the text."""
MAX_PROBLEMS = 100
"""Problems listed for one body; a pasted page with thousands of them gets one more line."""

LINK_KINDS = ("filename", "static", "attach")
"""Pelican link markers whose target must exist; {index} is also allowed."""

_FENCE = FencedBlockPreprocessor.FENCED_BLOCK_RE
_BACKTICK = re.compile(BACKTICK_RE, re.DOTALL)
_CODE_SPANS = BacktickInlineProcessor(BACKTICK_RE)
_BRACKET = re.compile(r"\\.|[\[\]]")  # an escaped character is skipped
_INLINE_MARK = re.compile(r"\*+|_+|`+|[\[<&]|\\.")
_LINK_START = re.compile(r"\]\(")
_SHORT_LINK = re.compile(  # a ( that getLink closes at the end of the match, as it reads
    r"""\(\s*(?:<[^<>]*>|[^\s()"']*(?:\([^\s()"']*\)[^\s()"']*)?)"""
    r"""\s*(?:"[^"]*"|'[^']*')?\s*\)"""
)
_OPEN_TAG = re.compile(r"<[A-Za-z]")
_SHORT_LINK_LENGTH = 2_000
_BLANK = re.compile(r"\n[ ]*\n")
_LIST_ITEM = re.compile(r"( *)(?:[*+-]|\d+[.)])(?:[ ]|$)")
_NESTED_LINE = re.compile(  # a line that opens a quote or a list item
    r"^(?P<quotes>(?: {0,3}>)*)(?P<indent> *)(?:(?P<item>[*+-]|\d+[.)])(?= |$)|(?<=>))",
    re.MULTILINE,
)
_ANGLE = re.compile(r"""<(?:"[^"]*"|'[^']*'|[^<>"'])*>""")
_AUTOLINK = re.compile(AUTOLINK_RE)
_AUTOMAIL = re.compile(AUTOMAIL_RE)
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)(.*?)/?>", re.DOTALL)
_ATTRIBUTE = re.compile(
    r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"""
)
_INLINE_LINK = re.compile(
    r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*(<[^<>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"
)
_REFERENCE_USE = re.compile(r"(!?)\[([^\[\]\n]+)\](?:[ ]?\[([^\[\]\n]*)\])?(?![(:])")
_REFERENCE_DEFINITION = re.compile(
    r"""^[ ]{0,3}\[([^\[\]]*)\]:[ ]*(\S+)[ ]*(?:(["'])(.*)\3|\((.*)\))?[ ]*$""", re.MULTILINE
)
_ATTR_LIST = re.compile(r"\{:?[ ]*([^{}\n ][^{}\n]*)\}")
_BARE_HTTP = re.compile(r"\bhttp://[^\s)>\]\"'<]*", re.IGNORECASE)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()>#+\-.!:|\"'])")
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]")

_ADVICE = {
    "script": "el texto no puede ejecutar código en el teléfono de los ciudadanos; quítelo",
    "noscript": "el texto no puede ejecutar código en el teléfono de los ciudadanos; quítelo",
    "style": "el formato lo da el tema del sitio; quite el bloque de estilos",
    "iframe": "no se insertan páginas, videos ni mapas de otros sitios; ponga un enlace "
              "https:// a ellos",
    "meta": "quítela; para llevar al lector a otra página, ponga un enlace a ella",
    "link": "quítela; las páginas no cargan archivos de otros sitios",
    "base": "quítela; las direcciones de las páginas las pone el sitio",
    "b": "para negrita escriba **texto**",
    "i": "para cursiva escriba *texto*",
    "u": "para resaltar escriba **texto**",
}
for _name in ("frame", "frameset", "object", "embed", "applet", "video", "audio", "svg",
              "math", "canvas"):
    _ADVICE[_name] = _ADVICE["iframe"]
for _name in ("form", "input", "button", "select", "textarea", "option", "label", "fieldset"):
    _ADVICE[_name] = ("los formularios no van en el texto; suba el formulario en PDF a "
                      "content/adjuntos/<oficina>/ y enlácelo, o enlace el trámite en línea "
                      "con https://")
_GENERIC_ADVICE = (
    "escriba el texto con Markdown (**negrita**, *cursiva*, [enlace](https://...)); "
    "para mostrar el signo <, escríbalo entre comillas invertidas (`<`)"
)


@dataclass
class BodyReport:
    """What check_body found: problems as (line, message), and the Pelican links."""

    problems: list[tuple[int, str]] = field(default_factory=list)
    links: list[list] = field(default_factory=list)  # [marker, target path, line]


def check_body(body: str, first_line: int, relpath: str) -> BodyReport:
    """Check `body` (the Markdown after the front matter, starting at file line `first_line`).

    `relpath` is the file's path inside content/, for resolving relative links.
    """
    checker = _BodyChecker(body, first_line, relpath)
    checker.run()
    return checker.report


class _BodyChecker:
    def __init__(self, body: str, first_line: int, relpath: str):
        # Only line numbers matter, so changes inside a line are free.
        self.text = "\n".join(line.expandtabs(4) for line in body.replace("\r\n", "\n")
                              .split("\n"))
        self.first_line = first_line
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", self.text)]
        self.folder = posixpath.dirname(relpath)
        self.report = BodyReport()
        self.covered = bytearray(len(self.text))  # 1 where a link or tag was already judged

    def run(self) -> None:
        self.prose = _mask_code(self.text)
        if not self._check_nesting():
            return  # too deep to look further: that is the one error to fix first
        if not self._check_inline_work():
            return  # one error says what to shorten; the checks below would be as slow
        if "<" in self.prose:
            self._check_html()
        definitions = self._check_references() if "]:" in self.prose else {}
        if "](" in self.prose:
            self._check_inline_links()
        if definitions and "![" in self.prose:
            self._check_reference_images(definitions)
        if "{" in self.prose:
            self._check_attribute_lists()
        if "://" in self.prose:
            self._check_bare_http()
        self._check_expansion(definitions)

    # -- helpers ---------------------------------------------------------------

    def line_at(self, offset: int) -> int:
        return self.first_line + bisect.bisect_right(self.line_starts, offset) - 1

    def add(self, offset: int, message: str) -> None:
        problems = self.report.problems
        if len(problems) < MAX_PROBLEMS:
            problems.append((self.line_at(offset), message))
        elif len(problems) == MAX_PROBLEMS:
            problems.append((self.line_at(offset), (
                f"y más problemas desde esta línea: se muestran los primeros {MAX_PROBLEMS}; "
                "corríjalos y valide de nuevo"
            )))

    def cover(self, start: int, end: int) -> None:
        self.covered[start:end] = b"\x01" * (end - start)

    # -- limits ----------------------------------------------------------------

    def _check_nesting(self) -> bool:
        for line in _NESTED_LINE.finditer(self.prose):
            depth = line["quotes"].count(">")
            if line["item"] is not None:
                depth += len(line["indent"]) // 4 + 1
            if depth > MAX_NESTING:
                self.add(line.start(), (
                    f"el texto tiene listas o citas (>) anidadas en {depth} niveles; el "
                    f"máximo es {MAX_NESTING}. Use menos niveles de sangría"
                ))
                return False
        for start, block in _blocks(self.prose):
            depth = 0
            for bracket in _BRACKET.finditer(block):
                char = bracket.group()
                if char == "[":
                    depth += 1
                    if depth > MAX_NESTING:
                        self.add(start + bracket.start(), (
                            f"el párrafo tiene más de {MAX_NESTING} corchetes [ abiertos a "
                            "la vez; cierre cada [ con su ] o escríbalo \\["
                        ))
                        return False
                elif char == "]" and depth:
                    depth -= 1
        return True

    def _check_expansion(self, definitions: dict[str, tuple[int, str, str]]) -> None:
        growth: list[tuple[int, int, str, int]] = []  # (chars, offset, what, uses)
        abbreviations = {match["abbr"]: match for match in
                         AbbrBlockprocessor.RE.finditer(self.prose)} if "*[" in self.prose else {}
        if len(abbreviations) > MAX_ABBREVIATIONS:
            self.add(list(abbreviations.values())[MAX_ABBREVIATIONS].start(), (
                f"el texto define {len(abbreviations)} abreviaturas (*[SIGLA]: ...); el "
                f"máximo es {MAX_ABBREVIATIONS}. Escriba los nombres completos en el texto"
            ))
            return
        if abbreviations:
            pattern = re.compile(r"\b(?:{})\b".format(
                "|".join(re.escape(abbr) for abbr in sorted(abbreviations, key=len,
                                                              reverse=True))))
            uses = Counter(pattern.findall(self.prose))
            for abbr, match in abbreviations.items():
                count = max(uses[abbr] - 1, 0)  # the definition names it once
                size = len('<abbr title=""></abbr>') + len(html.escape(match["title"]))
                growth.append((count * size, match.start(), f"*[{abbr}]", count))
        if definitions:
            uses = Counter(_reference_key(use[3] or use[2])
                           for use in _REFERENCE_USE.finditer(self.prose))
            for key, (offset, url, title) in definitions.items():
                count = uses[key]
                growth.append((count * (len(url) + len(title) + 15), offset, f"[{key}]", count))
        total = sum(item[0] for item in growth)
        if total > MAX_EXPANSION:
            _, offset, what, count = max(growth)
            self.add(offset, (
                f"el texto crecería {total} caracteres al publicarse (el máximo es "
                f"{MAX_EXPANSION}): {what} se repite {count} veces. Escriba el nombre "
                "completo una vez y no defina la sigla, o acorte su explicación"
            ))

    def _check_inline_work(self) -> bool:
        """Limits on what makes Python-Markdown's inline work grow faster than the text."""
        with_spans = _mask_code(self.text, spans=False) if "`" in self.text else self.prose
        for start, block in _blocks(with_spans):
            marks = _INLINE_MARK.findall(block)
            if len(marks) > MAX_INLINE_MARKS:
                self.add(start + _first_text(block), (
                    f"el párrafo tiene {len(marks)} signos de formato (*, _, `, [, <, & o \\); "
                    f"el máximo es {MAX_INLINE_MARKS}. Divídalo en párrafos más cortos, con "
                    "una línea en blanco entre ellos, o quite los signos que sobran"
                ))
                return False
            open_links = _open_links(self.prose[start:start + len(block)])
            if len(open_links) > MAX_OPEN_LINKS:
                self.add(start + open_links[MAX_OPEN_LINKS], (
                    f"el párrafo tiene {len(open_links)} enlaces [texto]( sin cerrar; el "
                    f"máximo es {MAX_OPEN_LINKS}. Cierre cada uno con ), como "
                    "[texto](https://...), o escriba el corchete \\]"
                ))
                return False
        tags = _open_tags(_mask_code(self.text, indented=False))
        if len(tags) > MAX_OPEN_TAGS:
            self.add(tags[MAX_OPEN_TAGS], (
                f"el texto tiene {len(tags)} signos < seguidos de una letra sin su > de "
                f"cierre; el máximo es {MAX_OPEN_TAGS}. Para mostrar el signo <, escríbalo "
                "entre comillas invertidas (`<`) o déjele un espacio después"
            ))
            return False
        return True

    # -- HTML ------------------------------------------------------------------

    def _check_html(self) -> None:
        reported: set[str] = set()
        for match in _ANGLE.finditer(self.prose):
            text = match.group()
            self.cover(match.start(), match.end())
            autolink = _AUTOLINK.fullmatch(text)
            if autolink:
                self._check_url(match.start() + 1, autolink.group(1), "link")
                continue
            if _AUTOMAIL.fullmatch(text):
                continue
            tag = _TAG.fullmatch(text)
            if tag:
                self._check_tag(match.start(), tag, reported)
            elif text.startswith(("<!", "<?")):
                self.add(match.start(), (
                    f"el texto tiene HTML no permitido: {_short(text)}. "
                    + _capitalized(_GENERIC_ADVICE)
                ))

    def _check_tag(self, offset: int, tag: re.Match, reported: set[str]) -> None:
        closing, name, rest = tag.group(1), tag.group(2).lower(), tag.group(3)
        if ":" in name:  # <javascript:...>: a URL between < >, not a tag
            self._check_url(offset + 1, tag.group()[1:-1], "link")
            return
        if name not in TAGS:
            if not closing or name not in reported:
                reported.add(name)
                shown = f"</{name}>" if closing else _shown_tag(name, rest)
                self.add(offset, (
                    f"el texto tiene HTML no permitido: {shown}. "
                    + _capitalized(_ADVICE.get(name, _GENERIC_ADVICE))
                ))
            return
        if closing:
            return
        allowed = attributes_of(name)
        for attribute in _ATTRIBUTE.finditer(rest):
            key = attribute.group(1).lower()
            if key == "markdown":
                continue  # md_in_html's switch: Python-Markdown removes it
            value = next((group for group in attribute.groups()[1:] if group is not None), "")
            self._check_attribute(offset, name, key, value, allowed)

    def _check_attribute(self, offset: int, tag: str, key: str, value: str,
                         allowed: frozenset[str]) -> None:
        where = f"en <{tag}>" if tag else "entre llaves {: }"
        if key.startswith("on"):
            self.add(offset, (
                f"el texto tiene HTML no permitido: el atributo {key}= {where} ejecuta "
                "código en el teléfono de los ciudadanos; quítelo"
            ))
        elif key == "style":
            self.add(offset, (
                f"el texto tiene HTML no permitido: el atributo style= {where}; el "
                "formato lo da el tema del sitio, quítelo"
            ))
        elif key not in allowed:
            self.add(offset, (
                f"el texto tiene HTML no permitido: el atributo {key}= {where}; "
                f"quítelo (se permite: {', '.join(sorted(allowed))})"
            ))
        elif key in URL_ATTRIBUTES:
            self._check_url(offset, value, "image" if tag == "img" else "link")

    def _check_attribute_lists(self) -> None:
        for match in _ATTR_LIST.finditer(self.prose):
            if INTRASITE.fullmatch(match.group()):
                continue  # {filename}, {static}...: Pelican's markers, not attributes
            attributes, _ = get_attrs_and_remainder(match.group(1))
            for key, value in attributes:
                if key in (".", "id"):
                    continue
                if value is None and not (key.lower().startswith("on") or
                                          key.lower() == "style"):
                    continue  # a plain word in braces
                self._check_attribute(match.start(), "", key.lower(), value or "",
                                      attributes_of(""))

    # -- links and images ------------------------------------------------------

    def _check_inline_links(self) -> None:
        for match in _INLINE_LINK.finditer(self.prose):
            url = match.group(3)
            self.cover(match.start(3), match.end(3))
            if url.startswith("<"):
                url = url[1:-1]
            self._check_url(match.start(3), url, "image" if match.group(1) else "link")

    def _check_references(self) -> dict[str, tuple[int, str, str]]:
        definitions = {}
        for match in _REFERENCE_DEFINITION.finditer(self.prose):
            key = _reference_key(match.group(1))
            if key.startswith("^"):
                continue  # a footnote
            url = match.group(2).lstrip("<").rstrip(">")
            self.cover(match.start(2), match.end(2))
            definitions.setdefault(key, (match.start(), url, match.group(4) or
                                         match.group(5) or ""))
            self._check_url(match.start(2), url, "link")
        return definitions

    def _check_reference_images(self, definitions: dict[str, tuple[int, str, str]]) -> None:
        for match in _REFERENCE_USE.finditer(self.prose):
            if not match.group(1):
                continue
            definition = definitions.get(_reference_key(match.group(3) or match.group(2)))
            if definition and not is_attachment_path(definition[1]):
                self._image_problem(match.start(), definition[1])

    def _check_bare_http(self) -> None:
        for match in _BARE_HTTP.finditer(self.prose):
            if not self.covered[match.start()]:
                self.add(match.start(), _insecure(match.group()))

    def _check_url(self, offset: int, url: str, kind: str) -> None:
        value = _URL_NOISE.sub("", html.unescape(_MARKDOWN_ESCAPE.sub(r"\1", url)))
        marker = INTRASITE.match(value)
        if marker:
            self._check_intrasite(offset, marker["what"], value[marker.end():], kind)
            return
        if kind == "image" and not is_attachment_path(value):
            self._image_problem(offset, url)
            return
        if re.match(r"[/\\]{2}", value):
            self.add(offset, (
                f'el enlace "{url}" no dice el protocolo; escríbalo completo con https://'
            ))
            return
        scheme = _SCHEME.match(value)
        if not scheme:
            return  # a path inside the site: relative, /root-relative or #ancla
        name = scheme.group(1).lower()
        if name in URL_SCHEMES:
            return
        if name == "http":
            self.add(offset, _insecure(url))
        elif name in ("javascript", "vbscript", "data"):
            self.add(offset, (
                f'el enlace "{_short(url)}" ejecuta código o trae contenido escondido '
                f"({name}:); no está permitido. Enlace una página https:// o un archivo "
                "de content/adjuntos/"
            ))
        else:
            self.add(offset, (
                f'el enlace "{_short(url)}" usa {name}:, que no está permitido; use '
                "https://, mailto: o tel:, o una dirección de este sitio"
            ))

    def _check_intrasite(self, offset: int, what: str, path: str, kind: str) -> None:
        if what == "index":
            return
        if what not in LINK_KINDS:
            self.add(offset, (
                f"el enlace {{{what}}}{path} no lleva a una página de este sitio; use "
                "{filename} para otra noticia o página y {static} para un archivo de "
                "content/adjuntos/"
            ))
            return
        target = unquote(html.unescape(path.split("#", 1)[0].split("?", 1)[0]))
        if target.startswith("/"):
            resolved = posixpath.normpath(target.lstrip("/"))
        else:
            resolved = posixpath.normpath(posixpath.join(self.folder, target))
        if resolved.startswith("../") or resolved in ("..", "."):
            self.add(offset, (
                f"el enlace {{{what}}}{path} sale de la carpeta content/; escriba la ruta "
                "desde content/, por ejemplo "
                + ("{filename}/paginas/<oficina>/<nombre>.md" if what == "filename"
                   else f"{{{what}}}/adjuntos/<oficina>/<archivo>.pdf")
            ))
            return
        if kind == "image" and not resolved.startswith("adjuntos/"):
            self._image_problem(offset, f"{{{what}}}{path}")
            return
        self.report.links.append([what, resolved, self.line_at(offset)])

    def _image_problem(self, offset: int, url: str) -> None:
        self.add(offset, (
            f'la imagen "{_short(url)}" no está en content/adjuntos/; las imágenes de otros '
            "sitios no se muestran. Súbala a content/adjuntos/<oficina>/ y escriba "
            "![descripción]({static}/adjuntos/<oficina>/foto.jpg)"
        ))


def _mask_code(text: str, indented: bool = True, spans: bool = True) -> str:
    """`text` with code blocks, code spans and HTML comments blanked (newlines kept).

    With indented=False, indented code blocks are kept: Python-Markdown's HTML
    reader, which runs before it finds them, reads them too. With spans=False,
    code spans are kept: each one is inline work like a link.
    """
    if "```" in text or "~~~" in text:
        text = _FENCE.sub(lambda match: match.group()[:match.start("code") - match.start()]
                          + _blank(match.group("code")) + match.group("fence"), text)
    if indented:
        text = _mask_indented_code(text)
    if spans and "`" in text:
        pieces, last = [], 0
        for start, block in _blocks(text):
            pieces += [text[last:start], _mask_code_spans(block)]
            last = start + len(block)
        text = "".join([*pieces, text[last:]])
    if "<!--" in text:
        text = _mask_comments(text)
    return text


def _mask_comments(text: str) -> str:
    """Blank each <!-- ... -->; an unclosed one is left as it is (a regex would
    look for the end again from every <!--)."""
    pieces, last = [], 0
    while (start := text.find("<!--", last)) != -1:
        end = text.find("-->", start + 4)
        if end == -1:
            break
        pieces += [text[last:start], _blank(text[start:end + 3])]
        last = end + 3
    pieces.append(text[last:])
    return "".join(pieces)


def _open_links(block: str) -> list[int]:
    """Offsets of the `](` whose ( Python-Markdown may read to the end of `block`.

    A ( that `_SHORT_LINK` matches is closed there (the text inside it is
    consumed with the link); any other one, or one longer than a long URL and
    its title, counts as open.
    """
    found = []
    covered = 0
    for match in _LINK_START.finditer(block):
        if match.start() < covered:
            continue
        short = _SHORT_LINK.match(block, match.start() + 1)
        if short and short.end() - short.start() <= _SHORT_LINK_LENGTH:
            covered = short.end()
        else:
            found.append(match.start())
    return found


def _open_tags(text: str) -> list[int]:
    """Offsets of each `<` plus a letter that no `>` closes before another `<`."""
    closed = bytearray(len(text))
    for match in _ANGLE.finditer(text):
        closed[match.start()] = 1
    return [match.start() for match in _OPEN_TAG.finditer(text) if not closed[match.start()]]


def _first_text(block: str) -> int:
    """Offset of the first character of `block` that is not a newline."""
    return len(block) - len(block.lstrip("\n"))


def _mask_indented_code(text: str) -> str:
    """Blank the indented code blocks: an indented block after a blank line, not in a list."""
    lines = text.split("\n")
    in_list = False
    in_code = False
    previous_blank = True
    for index, line in enumerate(lines):
        blank = not line.strip()
        indented = line.startswith("    ")
        if in_code and (indented or blank):
            lines[index] = _blank(line)
        elif previous_blank and indented and not in_list:
            in_code = True
            lines[index] = _blank(line)
        else:
            in_code = False
            if not blank and not indented:
                in_list = bool(_LIST_ITEM.match(line.lstrip(" >")) or
                               (in_list and not previous_blank))
        previous_blank = blank
    return "\n".join(lines)


def _mask_code_spans(block: str) -> str:
    """Blank the code spans of one block, found the way Python-Markdown finds them."""
    position = 0
    spans = []
    while True:
        match = _BACKTICK.search(block, position)
        if not match:
            break
        if match.group(1):  # escaped backslashes before a backtick
            position = match.end()
            continue
        begin = match.start()
        start, end = _CODE_SPANS.find_code_spans(begin, block)
        if end is None:
            position = start
            continue
        finish = end + (start - begin)
        spans.append((begin, finish))
        position = finish
    if not spans:
        return block
    pieces, last = [], 0
    for begin, finish in spans:
        pieces += [block[last:begin], _blank(block[begin:finish])]
        last = finish
    pieces.append(block[last:])
    return "".join(pieces)


def _blocks(text: str):
    """(offset, text) of each block between blank lines."""
    position = 0
    for separator in _BLANK.finditer(text):
        yield position, text[position:separator.start()]
        position = separator.end() - 1
    yield position, text[position:]


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def _reference_key(text: str) -> str:
    return " ".join(text.split()).lower()


def _shown_tag(name: str, rest: str) -> str:
    if name == "meta" and "refresh" in rest.lower():
        return "<meta http-equiv=refresh>"
    return f"<{name}>"


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _insecure(url: str) -> str:
    return (f'el enlace "{_short(url)}" no es seguro; use https:// '
            "(si el sitio no tiene https, no lo enlace)")
