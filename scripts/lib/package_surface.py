#!/usr/bin/env python3
"""Fails when a `package` declaration has no user outside its own module.

The rule (CONTRIBUTING: internal by default): `package` is for what another module of the
package uses, tests included. Swift says nothing when a `package` declaration could be
internal, so this reads the sources: a few seconds, no build, no toolchain. It assumes a tree
that compiles (a file reaches a module's declarations only if it imports it), so its place
in scripts/test is after the build.

A `package` declaration of module M is kept when:
  * a file of a module that depends on M (Package.swift, transitively; test targets are
    users) and imports M uses it. Comments and string literals are skipped, interpolations
    `\\(...)` are read as code; declaration sites (`func name`, `let name:`, parameter names)
    and argument labels (`f(name: x)`) are not uses. With MemberImportVisibility (on for
    every target here) a file that does not import M cannot use M's types, members or
    top-level names, so only importing files count.
      - a type or typealias: its name occurs;
      - a top-level func/var: its name occurs;
      - a member: `.name` occurs (`x.name`, `.name`, `\\.name`, `T.name`), or a bare `name`
        inside an extension of, or a type inheriting from, a type of M (implicit self);
      - an `init`: `T(...)`/`T<X>(...)`/`T {...}` (T the type or a typealias of it) or
        `.init(...)`/`self.init(...)`/`Self(...)` with argument labels this init accepts,
        or a `T.init` reference.
  * another kept declaration needs it: a type named in the signature of a kept declaration
    (also a kept type's inheritance clause, a kept enum's cases, a kept protocol's
    requirements, an inferred `let x = T()`, a kept extension member's `where` clause), and
    the type a kept member belongs to. Default arguments do not count: a `package` function's
    default may name internal declarations (unlike a `public` one's).
  * it can be reached without its name, in a kept type: a witness of a requirement of a
    protocol the type conforms to (a `package` protocol of M that is kept, any protocol of
    another module, a library protocol of KNOWN_PROTOCOLS; every member, for a protocol
    this script does not know), an `override`/`required` member, a subscript, an operator,
    `callAsFunction` and the other IMPLICIT_MEMBERS.
Unclear cases count as used: a finding is a `package` that can be dropped (a name that also
belongs to another type, `x.text`, keeps a declaration that may not be needed).

Dropping the keyword: a type's members may stay `package` (Swift accepts them in an internal
type, silently) but should go with it; a `package import` no `package` declaration of its
file uses any more is a warning (an error under GANTRY_STRICT), so it becomes `import`.

Usage: package_surface.py [--list-json] [--allow FILE] [--stats] [--root DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

# ----------------------------------------------------------------------------------------
# Lexing: Swift source to code with comments and literals blanked
# ----------------------------------------------------------------------------------------

_PREFIX_CHARS = set("(,=:[{!&|?;^~+-*<>%")  # after these a '/' starts a regex, not a division
_PREFIX_WORDS = {"return", "case", "in", "where", "try", "await", "throw", "if", "guard", "while"}


class _Stripper:
    """Blanks comments, string and regex literals (keeping newlines, so lines still count).

    A literal becomes `"` ... `"`; an interpolation `\\(expr)` inside it stays as `(expr)`,
    because it is code that can use a declaration.
    """

    def __init__(self, src: str) -> None:
        self.src = src
        self.n = len(src)
        self.out: list[str] = []

    def run(self) -> str:
        self._code(0, in_interp=False)
        return "".join(self.out)

    def _blank(self, start: int, end: int) -> None:
        self.out.append("".join("\n" if c == "\n" else " " for c in self.src[start:end]))

    def _prev_significant(self) -> str:
        """The code before the current position, without trailing blanks (for regex detection)."""
        for chunk in reversed(self.out):
            stripped = chunk.rstrip(" \t")
            if stripped:
                return stripped
            if "\n" in chunk:
                return "\n"
        return "\n"

    def _regex_end(self, i: int) -> int:
        """End (exclusive) of a bare `/regex/` starting at i, or -1 when it is not one."""
        src = self.src
        if i + 1 >= self.n or src[i + 1] in " \t\n/*=":
            return -1
        prev = self._prev_significant()
        last = prev[-1]
        word = re.search(r"[A-Za-z_]\w*$", prev)
        if not (last == "\n" or last in _PREFIX_CHARS or (word and word.group(0) in _PREFIX_WORDS)):
            return -1
        j = i + 1
        in_class = 0
        while j < self.n and src[j] != "\n":
            c = src[j]
            if c == "\\":
                j += 2
                continue
            if c == "[":
                in_class += 1
            elif c == "]" and in_class:
                in_class -= 1
            elif c == "/" and not in_class:
                return j + 1
            j += 1
        return -1

    def _code(self, i: int, in_interp: bool) -> int:
        src, n = self.src, self.n
        depth = 0
        start = i
        while i < n:
            c = src[i]
            if c == "/" and src.startswith("//", i):
                self.out.append(src[start:i])
                j = src.find("\n", i)
                j = n if j < 0 else j
                self._blank(i, j)
                i = start = j
                continue
            if c == "/" and src.startswith("/*", i):
                self.out.append(src[start:i])
                j, level = i + 2, 1
                while j < n and level:
                    if src.startswith("/*", j):
                        level, j = level + 1, j + 2
                    elif src.startswith("*/", j):
                        level, j = level - 1, j + 2
                    else:
                        j += 1
                self._blank(i, j)
                i = start = j
                continue
            if c == '"' or (c == "#" and re.match(r'#+"', src[i:i + 40])):
                self.out.append(src[start:i])
                i = start = self._string(i)
                continue
            extended = re.match(r"#+/", src[i:i + 40])  # extended regex #/.../#
            if c == "#" and extended:
                hashes = len(extended.group(0)) - 1
                close = "/" + "#" * hashes
                j = src.find(close, i + hashes + 1)
                if j >= 0:
                    self.out.append(src[start:i])
                    self.out.append('"')
                    self._blank(i + 1, j + len(close) - 1)
                    self.out.append('"')
                    i = start = j + len(close)
                    continue
            if c == "/":
                self.out.append(src[start:i])
                start = i
                end = self._regex_end(i)
                if end > 0:
                    self.out.append('"')
                    self._blank(i + 1, end - 1)
                    self.out.append('"')
                    i = start = end
                    continue
            if in_interp:
                if c == "(":
                    depth += 1
                elif c == ")":
                    if depth == 0:
                        self.out.append(src[start:i])
                        return i
                    depth -= 1
            i += 1
        self.out.append(src[start:i])
        return i

    def _string(self, i: int) -> int:
        src, n = self.src, self.n
        hashes = 0
        while i + hashes < n and src[i + hashes] == "#":
            hashes += 1
        i += hashes
        multi = src.startswith('"""', i)
        quote = '"""' if multi else '"'
        close = quote + "#" * hashes
        escape = "\\" + "#" * hashes
        self.out.append('"')
        i += len(quote)
        seg = i
        while i < n:
            if src.startswith(escape, i):
                after = i + len(escape)
                if after < n and src[after] == "(":
                    self._blank(seg, i)
                    self.out.append(" (")
                    i = self._code(after + 1, in_interp=True)
                    self.out.append(")")
                    i += 1  # the closing ')'
                    seg = i
                    continue
                i = after + 1
                continue
            if src.startswith(close, i):
                self._blank(seg, i)
                self.out.append('"')
                return i + len(close)
            if not multi and src[i] == "\n":  # unterminated: stop at the line's end
                break
            i += 1
        self._blank(seg, i)
        self.out.append('"')
        return i


def strip_swift(src: str) -> str:
    """Swift source with comments and literals blanked, interpolations kept (see _Stripper)."""
    return _Stripper(src).run()


_TOKEN = re.compile(
    r"(?P<nl>\n)|(?P<ws>[ \t\r\f\v]+)"
    r"|(?P<id>`[A-Za-z_][A-Za-z0-9_]*`|[A-Za-z_][A-Za-z0-9_]*|\$[A-Za-z0-9_]+)"
    r"|(?P<dir>#[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<num>[0-9][0-9A-Za-z_.]*)"
    r"|(?P<punct>\.\.\.|\.\.<|->|[-+*/%=<>!&|^~?]+|[.,:;(){}\[\]@\"\\])"
    r"|(?P<other>.)"
)

NL = "\n"


@dataclass
class Tok:
    """A token: its text (backticks removed), whether it is an identifier, where it is."""

    text: str
    ident: bool
    line: int
    col: int


def tokenize(code: str) -> list[Tok]:
    """Tokens of blanked code, newlines kept as tokens (declarations end at line ends)."""
    toks: list[Tok] = []
    line, line_start = 1, 0
    for m in _TOKEN.finditer(code):
        kind = m.lastgroup
        if kind == "nl":
            toks.append(Tok(NL, False, line, m.start() - line_start + 1))
            line += 1
            line_start = m.end()
        elif kind == "ws":
            continue
        else:
            text = m.group(0)
            is_id = kind == "id"
            if is_id and text.startswith("`"):
                text = text[1:-1]
            toks.append(Tok(text, is_id, line, m.start() - line_start + 1))
    return toks


def is_operator(text: str) -> bool:
    """An operator token (`=`, `->`, `&&`, `==`...), which continues an expression."""
    return bool(text) and all(c in "-+*/%=<>!&|^~?" for c in text)


# ----------------------------------------------------------------------------------------
# Declarations
# ----------------------------------------------------------------------------------------

ACCESS = ("private", "fileprivate", "internal", "package", "public", "open")
_RANK = {a: i for i, a in enumerate(ACCESS)}
MODIFIERS = set(ACCESS) | {
    "static", "final", "override", "required", "convenience", "mutating", "nonmutating",
    "lazy", "weak", "unowned", "optional", "dynamic", "indirect", "nonisolated", "isolated",
    "consuming", "borrowing", "distributed", "prefix", "postfix", "infix", "sending",
}
TYPE_KEYWORDS = {"struct", "class", "enum", "actor", "protocol", "extension"}
MEMBER_KEYWORDS = {"func", "var", "let", "init", "subscript", "typealias", "associatedtype", "case", "deinit"}
DECL_KEYWORDS = TYPE_KEYWORDS | MEMBER_KEYWORDS | {"import", "operator", "precedencegroup", "macro"}
# Words that start a new line of code rather than continue the last (for where a
# declaration without a body ends).
_CONTINUE_NEXT = {".", "->", "where", "throws", "rethrows", "async", "?", ":", "&", "=", "else"}


@dataclass
class Param:
    """A parameter of an init: its argument label (None for `_`), default, variadic."""

    label: str | None
    has_default: bool
    variadic: bool


@dataclass
class Decl:
    """One declaration of any access level (the ones marked `package` are the subject)."""

    module: str
    path: str
    line: int
    col: int
    kind: str  # func var let init subscript typealias associatedtype case struct class enum actor protocol extension
    name: str
    access: str  # the explicit access modifier, '' when none
    modifiers: set[str]
    owner: str | None  # the enclosing type or extended type (last name component)
    owner_decl: "Decl | None"  # the enclosing type's declaration (None at file level / in extensions)
    capable: bool  # every enclosing type lets a package member be seen outside the module
    sig_idents: list[str] = field(default_factory=list)  # identifiers of the signature
    default_idents: list[str] = field(default_factory=list)  # identifiers after an '=' (defaults, initializers)
    params: list[Param] | None = None
    inherits: list[str] = field(default_factory=list)  # types: the inheritance clause
    requirements: set[str] = field(default_factory=set)  # protocols: keys of requirements
    annotated: bool = True  # var/let: has a type annotation
    ext_owners: list[str] = field(default_factory=list)  # types extended by enclosing extensions
    ext_decl: "Decl | None" = None  # the extension it sits in directly (its where clause counts)
    pkg_tok: Tok | None = None

    @property
    def is_type(self) -> bool:
        return self.kind in TYPE_KEYWORDS - {"extension"} or self.kind == "typealias"

    @property
    def key(self) -> str:
        """How a requirement and its witness are matched: the name, or init(labels)."""
        if self.kind == "init":
            return init_key(self.params)
        return self.name

    @property
    def display(self) -> str:
        """Owner.name, with argument labels for functions: Deployment.init(name:), run(_:)."""
        name = self.name
        if self.kind in ("init", "func") and self.params is not None:
            name += init_key(self.params)[4:]
        return f"{self.owner}.{name}" if self.owner else name


def init_key(params: list[Param] | None) -> str:
    """`init(a:_:)`: how inits are told apart (and matched against requirements)."""
    if params is None:
        return "init(?)"
    return "init(" + "".join(f"{p.label or '_'}:" for p in params) + ")"


@dataclass
class Scope:
    """A brace scope: a file, a type body, an extension body, or code (bodies, closures)."""

    kind: str  # file type ext code
    name: str | None = None
    decl: Decl | None = None
    capable: bool = True
    depth: int = 0  # open ( and [ inside this scope
    ext_owners: list[str] = field(default_factory=list)  # types extended by enclosing extensions
    names: frozenset[str] = frozenset()  # enclosing types, extended types and what they inherit


def _skip_balanced(toks: list[Tok], j: int) -> int:
    """Index after the bracket group starting at toks[j] ('(' or '[' or '{' or '<')."""
    pairs = {"(": ")", "[": "]", "{": "}", "<": ">"}
    opener = toks[j].text
    closer = pairs[opener]
    level = 0
    while j < len(toks):
        t = toks[j].text
        if t == opener:
            level += 1
        elif t == closer:
            level -= 1
            if level == 0:
                return j + 1
        elif opener == "<" and t.startswith(">") and is_operator(t):  # '>>' closes two
            level -= len(t) - len(t.lstrip(">"))
            if level <= 0:
                return j + 1
        elif opener == "<" and t in ("{", ";", NL, "=", "("):
            return -1
        j += 1
    return len(toks)


_GENERIC_INNER = {",", ".", "?", "!", ":", "[", "]", "(", ")", "->", "&", "...", "<", NL}


def generic_end(toks: list[Tok], j: int) -> int:
    """Index after the generic argument list `<...>` at toks[j], or -1 when it is not one
    (a less-than operator): only type-like tokens may sit inside."""
    level = 0
    while j < len(toks):
        t = toks[j].text
        if t == "<":
            level += 1
        elif t.startswith(">") and set(t) == {">"}:
            level -= len(t)
            if level <= 0:
                return j + 1 if level == 0 else -1
        elif not (toks[j].ident or t in _GENERIC_INNER):
            return -1
        j += 1
    return -1


def _next_sig(toks: list[Tok], j: int) -> int:
    while j < len(toks) and toks[j].text == NL:
        j += 1
    return j


def _prev_sig(toks: list[Tok], j: int) -> int:
    while j >= 0 and toks[j].text == NL:
        j -= 1
    return j


def signature_end(toks: list[Tok], j: int, kind: str) -> int:
    """Index of the token that ends a declaration's signature starting at j.

    Functions end at their body's '{'; vars at their accessor block or the end of their
    initializer (closures in an initializer are read through); the rest at the line's end
    unless the next line continues it.
    """
    depth = 0
    seen_eq = False
    n = len(toks)
    while j < n:
        t = toks[j].text
        if t in ("(", "["):
            depth += 1
        elif t in (")", "]"):
            depth -= 1
            if depth < 0:
                return j
        elif depth == 0:
            if t == "{":
                if kind in ("var", "let", "case") and seen_eq:
                    j = _skip_balanced(toks, j)
                    continue
                return j
            if t in ("}", ";"):
                return j
            if t == "=":
                seen_eq = True
            if t == NL:
                p, q = _prev_sig(toks, j - 1), _next_sig(toks, j)
                prev_t = toks[p].text if p >= 0 else ""
                next_t = toks[q].text if q < n else ""
                if kind in ("func", "init", "subscript") and next_t == "{":
                    j += 1
                    continue
                if prev_t in (",", "(", "[", ":", ".") or is_operator(prev_t) or next_t in _CONTINUE_NEXT or (
                    is_operator(next_t) and next_t not in ("!",)
                ):
                    j += 1
                    continue
                return j
        j += 1
    return n


def parse_params(toks: list[Tok], start: int, end: int) -> tuple[list[Param] | None, int, int]:
    """Parameters of the first parameter list in toks[start:end] (after the name/generics)."""
    j = start
    while j < end and toks[j].text != "(":
        if toks[j].text == "<":
            k = generic_end(toks, j)
            if k < 0:
                return None, -1, -1
            j = k
            continue
        j += 1
    if j >= end:
        return None, -1, -1
    close = _skip_balanced(toks, j)
    params: list[Param] = []
    for piece in _split_args(toks, j + 1, close - 1):
        words = [t for t in piece if t.text != NL]
        while words and words[0].text == "@":  # attributes such as @escaping on the label side
            words = words[2:]
        if not words:
            continue
        if len(words) >= 3 and words[0].ident and words[1].ident and words[2].text == ":":
            label: str | None = words[0].text
        elif len(words) >= 2 and words[0].ident and words[1].text == ":":
            label = words[0].text
        else:
            return None, j, close
        if label == "_":
            label = None
        texts = [w.text for w in words]
        params.append(Param(label, "=" in texts, "..." in texts))
    return params, j, close


def _split_args(toks: list[Tok], start: int, end: int) -> Iterable[list[Tok]]:
    """toks[start:end] split at top-level commas."""
    for piece in _split_arg_indices(toks, start, end):
        yield [toks[k] for k in piece]


def _split_arg_indices(toks: list[Tok], start: int, end: int) -> Iterable[list[int]]:
    """Indices of toks[start:end] split at top-level commas."""
    depth = 0
    piece: list[int] = []
    k = start
    while k < end:
        t = toks[k].text
        if t == "<" and k > start and toks[k - 1].ident and toks[k - 1].text[:1].isupper():
            g = generic_end(toks, k)  # Task<Void, Never>: one piece
            if 0 < g <= end:
                piece.extend(range(k, g))
                k = g
                continue
        if t in ("(", "[", "{"):
            depth += 1
        elif t in (")", "]", "}"):
            depth -= 1
        if t == "," and depth == 0:
            yield piece
            piece = []
        else:
            piece.append(k)
        k += 1
    if piece:
        yield piece


def _idents_after_eq(toks: list[Tok]) -> list[str]:
    """Identifiers in the expressions after an '=' (default arguments, initializers)."""
    out: list[str] = []
    depth = 0
    eq_depth: int | None = None
    for t in toks:
        if t.text in ("(", "[", "{"):
            depth += 1
        elif t.text in (")", "]", "}"):
            depth -= 1
            if eq_depth is not None and depth < eq_depth:
                eq_depth = None
        elif t.text == "," and eq_depth is not None and depth == eq_depth:
            eq_depth = None
        elif t.text == "=" and eq_depth is None:
            eq_depth = depth
        elif t.ident and eq_depth is not None:
            out.append(t.text)
    return out


@dataclass
class SourceFile:
    """A parsed file: its tokens, declarations, and what its identifiers are."""

    module: str
    path: str
    toks: list[Tok]
    decls: list[Decl] = field(default_factory=list)
    not_uses: set[int] = field(default_factory=set)  # token indices that declare, not use, a name
    scope_names: dict[int, frozenset[str]] = field(default_factory=dict)  # identifier index -> Scope.names
    imports: set[str] = field(default_factory=set)  # modules the file imports (any access, @testable)


def parse_file(module: str, path: str, src: str) -> SourceFile:
    """Every declaration of a file, with the scopes it sits in."""
    toks = tokenize(strip_swift(src))
    sf = SourceFile(module, path, toks)
    for k, word in enumerate(toks):
        if word.text == "import" and word.ident:
            q = k + 1
            if q < len(toks) and toks[q].text in ("struct", "class", "enum", "protocol", "typealias", "func", "var", "let", "actor"):
                q += 1
            if q < len(toks) and toks[q].ident:
                sf.imports.add(toks[q].text)
    stack = [Scope("file")]
    pending: Decl | None = None
    n = len(toks)
    i = 0
    at_start = True
    while i < n:
        tok = toks[i]
        t = tok.text
        scope = stack[-1]
        if t == NL or t == ";":
            at_start = True
            i += 1
            continue
        if at_start and scope.kind != "code" and scope.depth == 0:
            at_start = False
            head = _parse_head(sf, stack, i)
            if head is not None:
                decl, kw_index = head
                if decl.kind in TYPE_KEYWORDS:
                    pending = decl
                if scope.names:
                    for k in range(i, kw_index + 1):
                        sf.scope_names[k] = scope.names
                i = kw_index + 1
                continue
        at_start = False
        if tok.ident and scope.names:
            sf.scope_names[i] = scope.names
        if t in ("(", "["):
            scope.depth += 1
        elif t in (")", "]"):
            scope.depth = max(0, scope.depth - 1)
        elif t == "{":
            if pending is not None and scope.depth == 0:
                kind = "ext" if pending.kind == "extension" else "type"
                own = pending.access or "internal"
                capable = scope.capable and (kind == "ext" or _RANK[own] >= _RANK["package"])
                exts = scope.ext_owners + ([pending.name] if kind == "ext" else [])
                names = scope.names | {pending.name} | set(pending.inherits)
                stack.append(Scope(kind, pending.name, pending, capable, ext_owners=exts, names=names))
                pending = None
            else:
                stack.append(Scope("code", names=scope.names))
            at_start = True
        elif t == "}":
            if len(stack) > 1:
                stack.pop()
            at_start = True
        i += 1
    return sf


def _parse_head(sf: SourceFile, stack: list[Scope], i: int) -> tuple[Decl, int] | None:
    """A declaration starting at toks[i] (attributes, modifiers, keyword), recorded in sf."""
    toks = sf.toks
    n = len(toks)
    j = i
    mods: set[str] = set()
    access = ""
    pkg_tok: Tok | None = None
    while j < n:
        t = toks[j].text
        if t == "@" and j + 1 < n and toks[j + 1].ident:
            j += 2
            if j < n and toks[j].text == "(":
                j = _skip_balanced(toks, j)
            continue
        if t == NL:
            j += 1
            continue
        if t in MODIFIERS and toks[j].ident:
            if j + 1 < n and toks[j + 1].text == "(":  # private(set), package(set)...
                j = _skip_balanced(toks, j + 1)
                continue
            if t in ACCESS:
                access = t
                if t == "package":
                    pkg_tok = toks[j]
            else:
                mods.add(t)
            j += 1
            continue
        if t == "class" and j + 1 < n and (toks[j + 1].text in MEMBER_KEYWORDS or toks[j + 1].text in MODIFIERS):
            mods.add("static")
            j += 1
            continue
        break
    if j >= n or toks[j].text not in DECL_KEYWORDS or not toks[j].ident:
        return None
    kw = toks[j].text
    scope = stack[-1]
    if kw in ("import", "operator", "precedencegroup", "macro", "deinit"):
        return None
    # the name
    k = j + 1
    name = ""
    if kw in ("init", "subscript"):
        name = kw
    elif kw == "extension":
        # extension A.B<C>: the last component
        while k < n and (toks[k].ident or toks[k].text == "."):
            if toks[k].ident:
                name = toks[k].text
            k += 1
    elif k < n and (toks[k].ident or is_operator(toks[k].text)):
        name = toks[k].text
        if kw in ("var", "let", "case") or kw in TYPE_KEYWORDS or kw in ("typealias", "associatedtype", "func"):
            sf.not_uses.add(k)
    if not name:
        return None
    owner_decl = scope.decl
    owner = scope.name
    decl = Decl(
        module=sf.module, path=sf.path, line=toks[j].line, col=toks[j].col, kind=kw, name=name,
        access=access, modifiers=mods, owner=owner, owner_decl=owner_decl if scope.kind == "type" else None,
        capable=scope.capable, pkg_tok=pkg_tok, ext_owners=list(scope.ext_owners),
        ext_decl=scope.decl if scope.kind == "ext" else None,
    )
    if pkg_tok is not None:
        decl.line, decl.col = pkg_tok.line, pkg_tok.col
    end = signature_end(toks, j + 1, "func" if kw in TYPE_KEYWORDS else kw)
    sig = toks[j + 1:end]
    decl.sig_idents = [t.text for t in sig if t.ident]
    decl.default_idents = _idents_after_eq(sig)
    if kw in TYPE_KEYWORDS:
        decl.inherits = _inheritance(sig)
    if kw in ("func", "init", "subscript"):
        params, popen, pclose = parse_params(toks, j + 1, end)
        decl.params = params
        if popen >= 0:  # parameter names and labels declare, they do not use
            for piece in _split_arg_indices(toks, popen + 1, max(popen + 1, pclose - 1)):
                for k2 in piece:
                    if toks[k2].text == ":":
                        break
                    if toks[k2].ident:
                        sf.not_uses.add(k2)
    if kw in ("var", "let"):
        texts = [t.text for t in sig]
        decl.annotated = ":" in texts[: texts.index("=")] if "=" in texts else ":" in texts
    if kw == "case" and scope.kind == "type" and scope.decl is not None:
        for piece in _split_arg_indices(toks, j + 1, end):  # case a(X), b = 1: a and b are declared
            words = [k2 for k2 in piece if toks[k2].text != NL]
            if words and toks[words[0]].ident:
                sf.not_uses.add(words[0])
    # what the enclosing type's visibility pulls along
    if scope.kind == "type" and scope.decl is not None:
        if scope.decl.kind == "protocol":
            scope.decl.requirements.add(decl.key)
            scope.decl.sig_idents.extend(decl.sig_idents)
        elif scope.decl.kind == "enum" and kw == "case":
            scope.decl.sig_idents.extend(decl.sig_idents)
    sf.decls.append(decl)
    return decl, j


def _inheritance(sig: list[Tok]) -> list[str]:
    """Names in a type header's inheritance clause (`: A, B<C> where ...`)."""
    names: list[str] = []
    depth = 0
    started = False
    expect = False
    for t in sig:
        if t.text == "where" or t.text == "{":
            break
        if t.text in ("<", "(", "["):
            depth += 1
            continue
        if t.text in (")", "]") or (t.text.startswith(">") and is_operator(t.text)):
            depth -= t.text.count(">") or 1
            continue
        if depth > 0:
            continue
        if t.text == ":" and not started:
            started = expect = True
            continue
        if not started:
            continue
        if t.text in (",", "&"):
            expect = True
            continue
        if t.text == ".":
            expect = True  # A.B: keep the last component
            if names:
                names.pop()
            continue
        if t.ident and expect and t.text not in ("unchecked", "retroactive", "preconcurrency", "any", "some"):
            names.append(t.text)
            expect = False
    return names


# ----------------------------------------------------------------------------------------
# Calls, for `init`
# ----------------------------------------------------------------------------------------


@dataclass
class Call:
    """A call site `callee(labels...)`; callee '.init' when the type is inferred."""

    callee: str
    labels: list[str | None] | None  # None: not understood (counts as matching)
    trailing: bool
    reference: bool = False  # `T.init` without a call


_NOT_CALL_BEFORE = {"func", "init", "subscript", "struct", "class", "enum", "actor", "protocol", "extension", "case", "macro"}
_TYPE_CONTEXT_BEFORE = {"struct", "class", "enum", "actor", "protocol", "extension", ":", ",", "&", "->", "some", "any", "as", "is", "typealias"}


def _call_labels(toks: list[Tok], open_index: int) -> tuple[list[str | None] | None, int]:
    """Argument labels of the call whose '(' is at open_index (None: unlabeled), and its end."""
    close = _skip_balanced(toks, open_index)
    labels: list[str | None] = []
    for piece in _split_args(toks, open_index + 1, close - 1):
        words = [t for t in piece if t.text != NL]
        if not words:
            continue
        if words[0].text.startswith(">") or words[0].text in (")", "]", "}", ":", ","):
            return None, close  # not understood: matches any init
        if len(words) >= 2 and words[0].ident and words[1].text == ":":
            labels.append(words[0].text)
        else:
            labels.append(None)
    return labels, close


def find_calls(sf: SourceFile) -> list[Call]:
    """Calls that can construct a value: `T(...)`, `T<X>(...)`, `T {...}`, `.init(...)`."""
    toks = sf.toks
    n = len(toks)
    calls: list[Call] = []
    for j, tok in enumerate(toks):
        if not tok.ident:
            continue
        p = j - 1
        prev = toks[p].text if p >= 0 else ""
        k = j + 1
        if tok.text == "init":
            if prev != ".":
                continue
            base = toks[p - 1] if p >= 1 else None
            callee = base.text if base is not None and base.ident and base.text not in ("self", "super", "Self") else ".init"
            if base is not None and base.text in (")", "]", ">", "?", "!"):
                callee = ".init"
            if k < n and toks[k].text == "(":
                labels, close = _call_labels(toks, k)
                q = _next_sig(toks, close)
                calls.append(Call(callee, labels, q < n and toks[q].text == "{"))
            else:
                calls.append(Call(callee, None, True, reference=True))
            continue
        if prev in _NOT_CALL_BEFORE or not tok.text[:1].isupper():
            continue
        if k < n and toks[k].text == "<":
            g = generic_end(toks, k)
            if g < 0:
                continue
            k = g
        callee = ".init" if tok.text == "Self" else tok.text
        if k < n and toks[k].text == "(":
            labels, close = _call_labels(toks, k)
            q = _next_sig(toks, close)
            calls.append(Call(callee, labels, q < n and toks[q].text == "{"))
        elif k < n and toks[k].text == "{" and prev not in _TYPE_CONTEXT_BEFORE:
            calls.append(Call(callee, [], True))
    return calls


def call_matches(params: list[Param] | None, call: Call) -> bool:
    """Whether a call could select an init with these parameters (unsure: yes)."""
    if params is None or call.labels is None or call.reference:
        return True
    labels = call.labels
    i = 0
    a = 0
    while a < len(labels):
        lab = labels[a]
        while i < len(params) and params[i].label != lab:
            if not params[i].has_default:
                return False
            i += 1
        if i >= len(params):
            return False
        a += 1
        if params[i].variadic:
            while a < len(labels) and labels[a] is None:
                a += 1
        i += 1
    rest = [p for p in params[i:] if not p.has_default]
    return not rest or call.trailing


# ----------------------------------------------------------------------------------------
# Protocols this script cannot read (libraries): the requirements a member may witness
# ----------------------------------------------------------------------------------------

KNOWN_PROTOCOLS: dict[str, set[str]] = {
    # Swift standard library and Foundation
    "Sendable": set(), "SendableMetatype": set(), "Error": set(), "AnyObject": set(), "Copyable": set(),
    "BitwiseCopyable": set(), "Escapable": set(), "AnyActor": set(), "Actor": {"unownedExecutor"},
    "Equatable": {"=="}, "Hashable": {"==", "hash", "hashValue"},
    "Comparable": {"==", "<", "<=", ">", ">="},
    "Encodable": {"encode"}, "Decodable": {"init(from:)"}, "Codable": {"encode", "init(from:)"},
    "CodingKey": {"stringValue", "intValue", "init(stringValue:)", "init(intValue:)", "description", "debugDescription"},
    "CustomStringConvertible": {"description"}, "CustomDebugStringConvertible": {"debugDescription"},
    "LosslessStringConvertible": {"description", "init(_:)"},
    "LocalizedError": {"errorDescription", "failureReason", "recoverySuggestion", "helpAnchor"},
    "CustomNSError": {"errorDomain", "errorCode", "errorUserInfo"},
    "CaseIterable": {"allCases", "AllCases"},
    "RawRepresentable": {"rawValue", "init(rawValue:)", "RawValue"},
    "Identifiable": {"id", "ID"},
    "Sequence": {"makeIterator", "underestimatedCount", "Element", "Iterator", "withContiguousStorageIfAvailable"},
    "IteratorProtocol": {"next", "Element"},
    "AsyncSequence": {"makeAsyncIterator", "Element", "AsyncIterator", "Failure"},
    "AsyncIteratorProtocol": {"next", "Element", "Failure"},
    "Collection": {"startIndex", "endIndex", "index", "subscript", "Index", "Element", "Indices", "indices", "count", "isEmpty", "SubSequence", "makeIterator"},
    "BidirectionalCollection": {"index", "startIndex", "endIndex", "subscript"},
    "RandomAccessCollection": {"index", "startIndex", "endIndex", "subscript", "distance"},
    "MutableCollection": {"subscript"},
    "RangeReplaceableCollection": {"init()", "replaceSubrange", "append"},
    "TextOutputStream": {"write"}, "TextOutputStreamable": {"write"},
    "ExpressibleByStringLiteral": {"init(stringLiteral:)", "init(unicodeScalarLiteral:)", "init(extendedGraphemeClusterLiteral:)", "StringLiteralType"},
    "ExpressibleByIntegerLiteral": {"init(integerLiteral:)", "IntegerLiteralType"},
    "ExpressibleByFloatLiteral": {"init(floatLiteral:)"},
    "ExpressibleByBooleanLiteral": {"init(booleanLiteral:)"},
    "ExpressibleByArrayLiteral": {"init(arrayLiteral:)", "ArrayLiteralElement"},
    "ExpressibleByDictionaryLiteral": {"init(dictionaryLiteral:)", "Key", "Value"},
    "ExpressibleByNilLiteral": {"init(nilLiteral:)"},
    "ExpressibleByStringInterpolation": {"init(stringInterpolation:)", "StringInterpolation", "init(stringLiteral:)"},
    "StringInterpolationProtocol": {"init(literalCapacity:interpolationCount:)", "appendLiteral", "appendInterpolation"},
    "OptionSet": {"rawValue", "init(rawValue:)", "Element"},
    "SetAlgebra": {"init()", "contains", "insert", "remove", "update", "union", "intersection", "symmetricDifference", "formUnion", "formIntersection", "formSymmetricDifference"},
    "Strideable": {"distance", "advanced", "Stride"},
    "AdditiveArithmetic": {"+", "-", "zero"},
    "Numeric": {"*", "magnitude", "init(exactly:)"},
    "Clock": {"now", "minimumResolution", "sleep", "Duration", "Instant"},
    "InstantProtocol": {"advanced", "duration", "Duration"},
    "DurationProtocol": {"/", "*"},
    "CustomReflectable": {"customMirror"},
    "SerialExecutor": {"enqueue", "asUnownedSerialExecutor", "isSameExclusiveExecutionContext", "checkIsolated"},
    "TaskExecutor": {"enqueue", "asUnownedTaskExecutor"},
    "Executor": {"enqueue"},
    # swift-testing
    "CustomTestStringConvertible": {"testDescription"},
    "CustomTestArgumentEncodable": {"encodeTestArgument"},
    "TestTrait": set(), "SuiteTrait": set(), "Trait": {"prepare", "comments", "scopeProvider"},
    "TestScoping": {"provideScope"},
    # swift-argument-parser
    "ParsableArguments": {"init()", "validate", "_errorLabel"},
    "ParsableCommand": {"init()", "validate", "run", "configuration", "_commandName", "helpMessage"},
    "AsyncParsableCommand": {"init()", "validate", "run", "configuration", "_commandName", "helpMessage"},
    "ExpressibleByArgument": {"init(argument:)", "defaultValueDescription", "allValueStrings", "defaultCompletionKind", "allValueDescriptions"},
    "EnumerableFlag": {"name", "help"},
    # swift-service-lifecycle
    "Service": {"run"},
    # swift-log
    "LogHandler": {"log", "subscript", "metadata", "logLevel", "metadataProvider"},
    # swift-metrics
    "CounterHandler": {"increment", "reset"}, "FloatingPointCounterHandler": {"increment", "reset"},
    "RecorderHandler": {"record"}, "TimerHandler": {"recordNanoseconds", "preferDisplayUnit"},
    "MeterHandler": {"set", "increment", "decrement"},
    "MetricsFactory": {"makeCounter", "makeFloatingPointCounter", "makeRecorder", "makeTimer", "makeMeter", "destroyCounter", "destroyFloatingPointCounter", "destroyRecorder", "destroyTimer", "destroyMeter"},
    # Hummingbird
    "RouterMiddleware": {"handle", "Context", "Input", "Output"},
    "MiddlewareProtocol": {"handle", "Context", "Input", "Output"},
    "ResponseGenerator": {"response"}, "ResponseEncodable": {"response"}, "ResponseCodable": {"response"},
    "HTTPResponseError": {"status", "headers", "response"},
    "RequestContext": {"init(source:)", "coreContext", "Source", "maxUploadSize", "requestDecoder", "responseEncoder"},
    "BaseRequestContext": {"coreContext", "Source", "maxUploadSize", "requestDecoder", "responseEncoder"},
    "RequestDecoder": {"decode"}, "ResponseEncoder": {"encode"},
    "HTTPResponder": {"respond"}, "HTTPResponderBuilder": {"buildResponder"},
    "MustacheParent": {"child"}, "MustacheTransformable": {"transform"}, "MustacheCustomRenderable": {"renderText", "isNull"},
    # AsyncHTTPClient, NIO
    "HTTPClientResponseDelegate": {"didSendRequestHead", "didSendRequestPart", "didSendRequest", "didReceiveHead", "didReceiveBodyPart", "didFinishRequest", "didReceiveError", "didVisitURL", "Response"},
    "ChannelHandler": {"handlerAdded", "handlerRemoved"},
    "ChannelInboundHandler": {"handlerAdded", "handlerRemoved", "channelRegistered", "channelUnregistered", "channelActive", "channelInactive", "channelRead", "channelReadComplete", "channelWritabilityChanged", "userInboundEventTriggered", "errorCaught", "InboundIn", "InboundOut", "OutboundOut"},
    "ChannelOutboundHandler": {"handlerAdded", "handlerRemoved", "register", "bind", "connect", "write", "flush", "read", "close", "triggerUserOutboundEvent", "OutboundIn", "OutboundOut"},
    "ChannelDuplexHandler": {"handlerAdded", "handlerRemoved", "channelRegistered", "channelUnregistered", "channelActive", "channelInactive", "channelRead", "channelReadComplete", "channelWritabilityChanged", "userInboundEventTriggered", "errorCaught", "register", "bind", "connect", "write", "flush", "read", "close", "triggerUserOutboundEvent", "InboundIn", "InboundOut", "OutboundIn", "OutboundOut"},
    "ByteToMessageDecoder": {"decode", "decodeLast", "InboundOut", "decoderAdded", "decoderRemoved", "shouldReclaimBytes"},
    "MessageToByteEncoder": {"encode", "OutboundIn"},
    "RemovableChannelHandler": {"removeHandler"},
    # GRDB, PostgresNIO
    "FetchableRecord": {"init(row:)", "databaseDecodingUserInfo", "databaseDataDecodingStrategy", "databaseDateDecodingStrategy", "databaseColumnDecodingStrategy", "databaseJSONDecoder"},
    "TableRecord": {"databaseTableName", "databaseSelection"},
    "EncodableRecord": {"encode", "databaseEncodingUserInfo", "databaseJSONEncoder", "databaseDateEncodingStrategy", "databaseUUIDEncodingStrategy", "databaseColumnEncodingStrategy"},
    "PersistableRecord": {"encode", "willInsert", "didInsert", "willUpdate", "didUpdate", "willSave", "didSave", "willDelete", "didDelete", "aroundInsert", "aroundUpdate", "aroundSave", "aroundDelete", "persistenceConflictPolicy"},
    "MutablePersistableRecord": {"encode", "didInsert", "willInsert", "persistenceConflictPolicy"},
    "DatabaseValueConvertible": {"databaseValue", "fromDatabaseValue"},
    "TransactionObserver": {"observes", "databaseDidChange", "databaseDidCommit", "databaseDidRollback", "databaseWillCommit"},
    "PostgresDecodable": {"init(from:type:format:context:)", "_DecodableType"},
    "PostgresEncodable": {"encode", "psqlType", "psqlFormat"},
    "PostgresCodable": {"encode", "psqlType", "psqlFormat", "init(from:type:format:context:)"},
    "PostgresDynamicTypeEncodable": {"encode", "psqlType", "psqlFormat"},
    "PostgresNonThrowingEncodable": {"encode", "psqlType", "psqlFormat"},
    # Yams
    "NodeRepresentable": {"represented"}, "ScalarRepresentable": {"represented"},
    "YAMLEncodable": {"box"},
}


# Members the compiler calls without their name being written, whatever the conformances.
IMPLICIT_MEMBERS = {
    "callAsFunction", "wrappedValue", "projectedValue", "init(wrappedValue:)", "init(projectedValue:)",
    "buildBlock", "buildExpression", "buildOptional", "buildEither", "buildArray", "buildFinalResult",
    "buildPartialBlock", "buildLimitedAvailability", "buildIf", "appendInterpolation", "appendLiteral",
    "_enclosingInstance",
}


# ----------------------------------------------------------------------------------------
# The package: modules, what depends on what
# ----------------------------------------------------------------------------------------


@dataclass
class Module:
    """A target of Package.swift."""

    name: str
    directory: Path
    deps: set[str]
    member_import_visibility: bool = False  # SE-0444: a member is usable only where its module is imported


def read_manifest(root: Path) -> list[Module] | None:
    """Targets of Package.swift: name, directory, dependencies on other targets.

    A reading of the text, not an evaluation; None when it cannot be read, and then every
    module counts as a user of every other (more `package` kept, never less).
    """
    try:
        text = (root / "Package.swift").read_text()
    except OSError:
        return None
    text = re.sub(r"//[^\n]*", "", text)
    modules: list[Module] = []
    last_end = 0
    for m in re.finditer(r"\.(target|executableTarget|testTarget|macro|plugin)\s*\(", text):
        if m.start() < last_end:
            continue  # `.target(name: "X")` in a dependencies list, not a target
        start = m.end() - 1
        depth, j = 0, start
        while j < len(text):
            if text[j] == "(":
                depth += 1
            elif text[j] == ")":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        body = text[start:j]
        last_end = j
        name = re.search(r'name:\s*"([^"]+)"', body)
        if name is None:
            continue
        path = re.search(r'path:\s*"([^"]+)"', body)
        default_dir = "Tests" if m.group(1) == "testTarget" else ("Plugins" if m.group(1) == "plugin" else "Sources")
        directory = root / (path.group(1) if path else f"{default_dir}/{name.group(1)}")
        deps: set[str] = set()
        d = re.search(r"dependencies:\s*\[", body)
        if d:
            k, level = d.end() - 1, 0
            while k < len(body):
                if body[k] == "[":
                    level += 1
                elif body[k] == "]":
                    level -= 1
                    if level == 0:
                        break
                k += 1
            dep_text = re.sub(r"\.product\s*\([^)]*\)", "", body[d.end():k])
            deps = set(re.findall(r'"([^"]+)"', dep_text))
        # The upcoming feature is set in a shared settings array here; a target that passes any
        # swiftSettings is taken to pass it when the manifest enables it at all.
        visibility = "MemberImportVisibility" in text and "swiftSettings:" in body
        modules.append(Module(name.group(1), directory, deps, visibility))
    return modules or None


def dependents(modules: list[Module]) -> dict[str, set[str]]:
    """For each module, the modules that depend on it directly or through others."""
    names = {m.name for m in modules}
    deps = {m.name: {d for d in m.deps if d in names} for m in modules}
    closure: dict[str, set[str]] = {}

    def reach(name: str, seen: set[str]) -> set[str]:
        if name in closure:
            return closure[name]
        out: set[str] = set()
        for d in deps[name]:
            if d not in seen:
                out |= {d} | reach(d, seen | {d})
        closure[name] = out
        return out

    users: dict[str, set[str]] = {m: set() for m in names}
    for m in names:
        for d in reach(m, {m}):
            users[d].add(m)
    return users


# ----------------------------------------------------------------------------------------
# The check
# ----------------------------------------------------------------------------------------


@dataclass
class Index:
    """What one file's code mentions, and how.

    idents: every identifier that is not a declaration's own name (for types and top-level
    names). dotted: identifiers after a '.' (`x.name`, `.name`, `\\.name`, `T.name`): how a member
    of another module's type is reached. bare: the rest, with the names of the types and
    extensions around them, since a bare name reaches another module's member only through
    implicit self, inside an extension of its type or a type conforming to its protocol.
    Argument labels (`f(name: x)`) are in none of them.
    """

    idents: set[str] = field(default_factory=set)
    dotted: set[str] = field(default_factory=set)
    bare: dict[str, set[frozenset[str]]] = field(default_factory=lambda: defaultdict(set))
    calls: list[Call] = field(default_factory=list)


class Check:
    """The whole package read once; run() gives the `package` declarations to drop."""

    def __init__(self, root: Path, allow: set[str]) -> None:
        self.root = root
        self.allow = allow
        manifest = read_manifest(root)
        self.manifest_read = manifest is not None
        if manifest is None:
            manifest = [Module(p.name, p, set()) for base in ("Sources", "Tests") for p in sorted((root / base).glob("*")) if p.is_dir()]
            everyone = {m.name for m in manifest}
            self.users = {m.name: everyone - {m.name} for m in manifest}
        else:
            self.users = dependents(manifest)
        self.modules = manifest
        self.files: list[SourceFile] = []
        for mod in manifest:
            for path in sorted(mod.directory.rglob("*.swift")):
                rel = str(path.relative_to(root))
                self.files.append(parse_file(mod.name, rel, path.read_text(encoding="utf-8", errors="replace")))
        self.decls = [d for sf in self.files for d in sf.decls]
        self.index: dict[str, Index] = {}  # per file
        for sf in self.files:
            self.index[sf.path] = ix = Index()
            self._index_file(sf, ix)
        visibility = {m.name: m.member_import_visibility for m in manifest}
        self.files_of: dict[str, list[SourceFile]] = defaultdict(list)
        for sf in self.files:
            self.files_of[sf.module].append(sf)
        self.visibility = visibility
        self.aliases: dict[str, set[str]] = defaultdict(set)  # typealias A = T: calling A(...) calls T's init
        for d in self.decls:
            if d.kind == "typealias":
                for ident in d.default_idents:
                    self.aliases[ident].add(d.name)
        self.types: dict[tuple[str, str], list[Decl]] = defaultdict(list)  # (module, name)
        self.by_name: dict[tuple[str, str], list[Decl]] = defaultdict(list)
        self.protocols: dict[str, list[Decl]] = defaultdict(list)
        self.conformances: dict[str, set[str]] = defaultdict(set)  # type name -> protocol/superclass names
        for d in self.decls:
            self.by_name[(d.module, d.name)].append(d)
            if d.is_type:
                self.types[(d.module, d.name)].append(d)
            if d.kind == "protocol":
                self.protocols[d.name].append(d)
            if d.kind in TYPE_KEYWORDS:
                self.conformances[d.name].update(d.inherits)
                if d.kind == "protocol":
                    self.conformances[d.name].add(d.name)
        self.module_type_names: dict[str, set[str]] = defaultdict(set)
        for d in self.decls:
            if d.is_type:
                self.module_type_names[d.module].add(d.name)
        self.alias_names = {d.name for d in self.decls if d.kind == "typealias"}
        self.subjects = [d for d in self.decls if d.access == "package" and d.kind != "extension" and self.capable(d)]
        self.needed: set[int] = set()
        self.unknown_protocols: set[str] = set()
        self.notes: list[str] = []
        self._user_cache: dict[str, list[Index]] = {}
        self._ancestry_cache: dict[frozenset[str], frozenset[str]] = {}

    @staticmethod
    def _index_file(sf: SourceFile, ix: Index) -> None:
        """Fill ix with what sf's identifiers are: uses, member uses, bare uses, calls."""
        toks = sf.toks
        brackets: list[str] = []
        prev = ""
        for k, t in enumerate(toks):
            if t.text == NL:
                continue
            if t.text in ("(", "[", "{"):
                brackets.append(t.text)
            elif t.text in (")", "]", "}") and brackets:
                brackets.pop()
            elif t.ident and k not in sf.not_uses:
                ix.idents.add(t.text)
                if prev == ".":
                    ix.dotted.add(t.text)
                else:
                    q = _next_sig(toks, k + 1)
                    label = prev in ("(", ",") and q < len(toks) and toks[q].text == ":" and brackets[-1:] == ["("]
                    if not label:
                        ix.bare[t.text].add(sf.scope_names.get(k, frozenset()))
            prev = t.text
        ix.calls.extend(find_calls(sf))

    def capable(self, d: Decl) -> bool:
        """Whether d can be seen outside its module at all (no internal type around it)."""
        if not d.capable:
            return False
        for name in d.ext_owners:  # an extension of an internal type of the module: no
            here = [t for t in self.types.get((d.module, name), []) if t.kind != "typealias"]
            if here and not any(t.access in ("package", "public", "open") for t in here):
                return False
        return True

    # -- uses ----------------------------------------------------------------------------

    def _user_indexes(self, module: str) -> list[Index]:
        """Files that can use module's declarations: in a module depending on it, and, where
        MemberImportVisibility holds, importing it (a type, a top-level name, a member, an
        implicit `.init` are all out of reach of a file that does not import their module)."""
        if module in self._user_cache:
            return self._user_cache[module]
        out: list[Index] = []
        top = {d.name for d in self.decls if d.module == module and d.is_type and not d.owner and d.access == "package"}
        for user in sorted(self.users.get(module, ())):
            own = self.module_type_names[user]
            for sf in self.files_of.get(user, []):
                ix = self.index[sf.path]
                if not self.visibility.get(user) or module in sf.imports:
                    out.append(ix)
                elif (ix.idents & top) - own:
                    # names the module's types without importing it: a tree mid-edit (it
                    # does not compile) or a name clash; either way, read it as a user
                    self.notes.append(f"{sf.path} names {', '.join(sorted((ix.idents & top) - own))} of {module} without importing it: counted as a user")
                    out.append(ix)
        self._user_cache[module] = out
        return out

    def used_outside(self, d: Decl) -> bool:
        """Whether the code of a module depending on d's module names d (see the docstring)."""
        if f"{d.module}.{d.name}" in self.allow or (d.owner and f"{d.module}.{d.owner}.{d.name}" in self.allow):
            return True
        if d.kind == "func" and is_operator(d.name):
            return True
        indexes = self._user_indexes(d.module)
        if d.kind == "init":
            owner = d.owner or ""
            names = {owner} | self.aliases.get(owner, set())
            return any(
                (call.callee in names or call.callee == ".init") and call_matches(d.params, call)
                for ix in indexes for call in ix.calls
            )
        if d.kind == "subscript":
            return False  # decided with its type (see witnesses)
        if d.is_type:
            return any(d.name in ix.idents for ix in indexes)
        if not d.owner:  # a top-level func or var: bare, or qualified with its module
            return any(d.name in ix.dotted or d.name in ix.bare for ix in indexes)
        # a member: after a dot, or bare where implicit self can be one of this module's types
        # (an extension of it, a type conforming to its protocol) or a typealias of one
        if any(d.name in ix.dotted for ix in indexes):
            return True
        reach = self.module_type_names[d.module] | self.alias_names | {d.owner}
        return any(not self._ancestry(names).isdisjoint(reach) for ix in indexes for names in ix.bare.get(d.name, ()))

    def _ancestry(self, names: frozenset[str]) -> frozenset[str]:
        """names and what they inherit, transitively (`struct S: Q`, `protocol Q: P`: S, Q, P)."""
        if names not in self._ancestry_cache:
            out = set(names)
            todo = list(names)
            while todo:
                for parent in self.conformances.get(todo.pop(), ()):
                    if parent not in out:
                        out.add(parent)
                        todo.append(parent)
            self._ancestry_cache[names] = frozenset(out)
        return self._ancestry_cache[names]

    # -- what a kept declaration pulls along ----------------------------------------------

    def _type_idents(self, d: Decl, seen: set[int]) -> set[str]:
        """Identifiers that can name a type d's signature needs (inferred var types too)."""
        out = set(d.sig_idents)
        if d.kind in ("var", "let") and not d.annotated and id(d) not in seen:
            seen.add(id(d))
            for ident in d.default_idents:  # `= make()`: make's result type
                for other in self.by_name.get((d.module, ident), []):
                    if other.kind in ("func", "var", "let"):
                        out |= self._type_idents(other, seen)
        return out

    def mark(self, d: Decl) -> None:
        """Keep d, and everything d's staying `package` needs (see the module docstring)."""
        work = [d]
        while work:
            x = work.pop()
            if id(x) in self.needed:
                continue
            self.needed.add(id(x))
            for ident in self._type_idents(x, set()):
                work.extend(t for t in self.types.get((x.module, ident), []) if t.access == "package")
            if x.ext_decl is not None:  # `extension T where U: P`: P must be as visible as x
                work.extend(t for i in x.ext_decl.sig_idents for t in self.types.get((x.module, i), []) if t.access == "package")
            if x.owner_decl is not None:
                work.append(x.owner_decl)
            elif x.owner:  # a member of an extension: the extended type, when it is here
                work.extend(t for t in self.types.get((x.module, x.owner), []) if t.access == "package")

    def owner_needed(self, d: Decl) -> bool:
        """Whether the type d belongs to stays `package` (or is another module's)."""
        if d.owner_decl is not None:
            return id(d.owner_decl) in self.needed
        if not d.owner:
            return True
        here = [t for t in self.types.get((d.module, d.owner), []) if t.kind != "typealias"]
        if not here:
            return True  # an extension of another module's type
        return any(id(t) in self.needed or t.access in ("public", "open") for t in here)

    def requirement_keys(self, d: Decl) -> set[str] | None:
        """Keys d's type may witness; None when a protocol is unknown (all members may)."""
        keys: set[str] = set()
        seen: set[str] = set()
        todo = list(self.conformances.get(d.owner or "", set()))
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            protos = self.protocols.get(name, [])
            if name in KNOWN_PROTOCOLS:  # (and a project protocol of the same name, if any)
                keys |= KNOWN_PROTOCOLS[name]
                if not protos:
                    continue
            if protos:
                for p in protos:
                    # an internal protocol of d's module can be witnessed by internal members
                    if p.module != d.module or (p.access in ("package", "public", "open") and id(p) in self.needed):
                        keys |= p.requirements
                    todo.extend(p.inherits)
                continue
            if any(t.kind in ("class", "struct", "enum", "actor") for ts in self._types_named(name) for t in ts):
                todo.extend(self.conformances.get(name, set()))  # a superclass: its conformances
                continue
            if any(t.kind == "typealias" for ts in self._types_named(name) for t in ts):
                for ts in self._types_named(name):
                    for t in ts:
                        todo.extend(i for i in t.default_idents if i[:1].isupper())
                continue
            if name in ("String", "Int", "Int8", "Int16", "Int32", "Int64", "UInt", "UInt8", "UInt16", "UInt32", "UInt64", "Double", "Float", "Character", "Bool"):
                keys |= KNOWN_PROTOCOLS["RawRepresentable"]  # an enum's raw type
                continue
            self.unknown_protocols.add(name)
            return None
        return keys

    def _types_named(self, name: str) -> list[list[Decl]]:
        """Declarations of types of that name, in any module."""
        return [ts for (_, n), ts in self.types.items() if n == name]

    def is_witness(self, d: Decl) -> bool:
        """Whether d may be reached without its name being written: a protocol witness, an
        override, a subscript, an operator, or a member the compiler calls by convention."""
        if d.kind == "subscript" or "override" in d.modifiers or "required" in d.modifiers:
            return True
        if d.key in IMPLICIT_MEMBERS or d.name in IMPLICIT_MEMBERS:
            return True
        if d.kind == "func" and is_operator(d.name):
            return True
        keys = self.requirement_keys(d)
        if keys is None:
            return True
        if d.kind == "init":
            return d.key in keys
        return d.name in keys

    def run(self) -> list[Decl]:
        """The `package` declarations nothing outside their module needs."""
        for d in self.subjects:
            if self.used_outside(d):
                self.mark(d)
        changed = True
        while changed:
            changed = False
            for d in self.subjects:
                if id(d) not in self.needed and d.kind not in TYPE_KEYWORDS and self.owner_needed(d) and self.is_witness(d):
                    self.mark(d)
                    changed = True
        return [d for d in self.subjects if id(d) not in self.needed]


def main(argv: list[str] | None = None) -> int:
    """Print the findings; exit 1 when there is one."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2], help="the package (default: this checkout)")
    parser.add_argument("--list-json", action="store_true", help="print the findings as a JSON list")
    parser.add_argument("--allow", type=Path, help="a file of Module.name entries to count as used")
    parser.add_argument("--stats", action="store_true", help="per-module counts on stderr")
    args = parser.parse_args(argv)
    allow: set[str] = set()
    if args.allow:
        for line in args.allow.read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                allow.add(line)
    check = Check(args.root, allow)
    unused = sorted(check.run(), key=lambda d: (d.path, d.line, d.col))
    if args.list_json:
        print(json.dumps([
            {"path": d.path, "line": d.line, "column": d.col, "module": d.module, "kind": d.kind,
             "name": d.name, "owner": d.owner, "display": d.display}
            for d in unused
        ], indent=1))
    else:
        for d in unused:
            print(f"{d.path}:{d.line}: 'package {d.kind} {d.display}' has no user outside {d.module}")
        print(f"{len(check.subjects)} package declarations, {len(unused)} without a user outside their module")
    if args.stats:
        total: dict[str, int] = defaultdict(int)
        bad: dict[str, int] = defaultdict(int)
        for d in check.subjects:
            total[d.module] += 1
        for d in unused:
            bad[d.module] += 1
        for mod in sorted(total):
            print(f"{mod}: {total[mod]} package, {bad[mod]} without a user outside", file=sys.stderr)
        if not check.manifest_read:
            print("Package.swift not read: every module counted as a user of every other", file=sys.stderr)
        for note in check.notes:
            print(note, file=sys.stderr)
        if check.unknown_protocols:
            print("protocols not known here (members of their conforming types kept): " + ", ".join(sorted(check.unknown_protocols)), file=sys.stderr)
    return 1 if unused else 0


if __name__ == "__main__":
    sys.exit(main())
