#!/usr/bin/env python3
"""Where the shell's bytes go: which code of the browser app ends up in the main wasm (the
shell every tablet downloads) rather than in an on-demand chunk, and how much each part of
our code keeps there.

It reads the wasm cargo-leptos links before splitting (its relocations say which function
and which data each function and each piece of data refers to), follows them from the
module's exports the way the splitter does (a chunk's entry points excluded), and so
finds the main module's functions and data. A part's "retained" size is what leaves the
main module when that part is taken away: the code and data reachable only through it.
Sizes are before wasm-opt and brotli (the main module compresses to about a fifth).

    python3 scripts/shell-profile.py [app.wasm] [--top N] [--match REGEX ...]

With no path, the release build's (`build_site --release`) is read.
"""
import argparse
import bisect
import collections
import os
import re
import sys

FUNCTION, DATA = 0, 1
UNDEFINED, EXPLICIT_NAME = 0x10, 0x40
# Relocation kinds that name a type, global, table or tag rather than a function or data.
NOT_CODE_OR_DATA = {6, 7, 10, 13, 15, 18, 20, 24}
WITH_ADDEND = {3, 4, 5, 8, 9, 11, 12, 14, 16, 17, 21, 22, 23, 25, 26, 27}


def uleb(raw, at):
    value = shift = 0
    while True:
        byte = raw[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def name_at(raw, at):
    length, at = uleb(raw, at)
    return raw[at:at + length].decode("utf8", "replace"), at + length


class Module:
    def __init__(self, raw):
        self.raw = raw
        self.sections = {}
        self.custom = {}
        at = 8
        while at < len(raw):
            kind = raw[at]
            size, at = uleb(raw, at + 1)
            if kind == 0:
                name, body = name_at(raw, at)
                self.custom[name] = (body, at + size)
            else:
                self.sections[kind] = (at, at + size)
            at += size
        self.imported_functions = self._imported_functions()
        self.bodies = self._bodies()
        self.symbols = self._symbols()

    def _imported_functions(self):
        if 2 not in self.sections:
            return 0
        raw, (at, _) = self.raw, self.sections[2]
        count, at = uleb(raw, at)
        functions = 0
        for _ in range(count):
            _, at = name_at(raw, at)
            _, at = name_at(raw, at)
            kind = raw[at]
            at += 1
            if kind == 0:
                _, at = uleb(raw, at)
                functions += 1
            elif kind == 1:
                flags = raw[at + 1]
                _, at = uleb(raw, at + 2)
                if flags & 1:
                    _, at = uleb(raw, at)
            elif kind == 2:
                flags = raw[at]
                _, at = uleb(raw, at + 1)
                if flags & 1:
                    _, at = uleb(raw, at)
            else:
                at += 2
        return functions

    def _bodies(self):
        """(start, end, size) of each function body, offsets within the code section."""
        raw, (start, _) = self.raw, self.sections[10]
        count, at = uleb(raw, start)
        bodies = []
        for _ in range(count):
            first = at
            size, at = uleb(raw, at)
            bodies.append((first - start, at + size - start, at + size - first))
            at += size
        return bodies

    def _symbols(self):
        """The linking section's symbol table: (kind, flags, index, name, offset, size)."""
        raw = self.raw
        at, end = self.custom["linking"]
        _, at = uleb(raw, at)
        symbols = []
        while at < end:
            kind = raw[at]
            size, at = uleb(raw, at + 1)
            stop = at + size
            if kind == 8:
                count, at = uleb(raw, at)
                for _ in range(count):
                    symbol_kind = raw[at]
                    flags, at = uleb(raw, at + 1)
                    index = name = None
                    offset = size_of = 0
                    if symbol_kind in (0, 2, 4, 5):
                        index, at = uleb(raw, at)
                        if not flags & UNDEFINED or flags & EXPLICIT_NAME:
                            name, at = name_at(raw, at)
                    elif symbol_kind == DATA:
                        name, at = name_at(raw, at)
                        if not flags & UNDEFINED:
                            index, at = uleb(raw, at)
                            offset, at = uleb(raw, at)
                            size_of, at = uleb(raw, at)
                    else:
                        index, at = uleb(raw, at)
                    symbols.append((symbol_kind, flags, index, name, offset, size_of))
            at = stop
        return symbols

    def _relocations(self, section):
        raw = self.raw
        at, _ = self.custom[section]
        _, at = uleb(raw, at)
        count, at = uleb(raw, at)
        for _ in range(count):
            kind = raw[at]
            offset, at = uleb(raw, at + 1)
            symbol, at = uleb(raw, at)
            if kind in WITH_ADDEND:
                _, at = uleb(raw, at)
            if kind not in NOT_CODE_OR_DATA:
                yield offset, symbol

    def _data_segments(self):
        raw, (start, _) = self.raw, self.sections[11]
        count, at = uleb(raw, start)
        segments = []
        for _ in range(count):
            flags, at = uleb(raw, at)
            if flags == 2:
                _, at = uleb(raw, at)
            if flags in (0, 2):
                at = raw.index(0x0B, at) + 1
            size, at = uleb(raw, at)
            segments.append(at - start)
            at += size
        return segments

    def node(self, symbol):
        kind, _, index, *_ = self.symbols[symbol]
        if kind == FUNCTION:
            return ("f", index)
        if kind == DATA:
            return ("d", symbol)
        return None

    def graph(self):
        """What each function and each piece of data refers to."""
        edges = collections.defaultdict(set)
        starts = [start for start, _, _ in self.bodies]
        for offset, symbol in self._relocations("reloc.CODE"):
            target = self.node(symbol)
            if target:
                function = bisect.bisect_right(starts, offset) - 1 + self.imported_functions
                edges[("f", function)].add(target)
        segments = self._data_segments()
        pieces = collections.defaultdict(list)
        for number, (kind, flags, index, _, offset, size) in enumerate(self.symbols):
            if kind == DATA and index is not None:
                pieces[index].append((offset, offset + size, number))
        for offset, symbol in self._relocations("reloc.DATA"):
            segment = bisect.bisect_right(segments, offset) - 1
            within = offset - segments[segment]
            source = next((("d", number) for first, end, number in pieces[segment] if first <= within < end), None)
            target = self.node(symbol)
            if source and target:
                edges[source].add(target)
        return edges

    def exports(self):
        raw, (at, _) = self.raw, self.sections[7]
        count, at = uleb(raw, at)
        found = {}
        for _ in range(count):
            name, at = name_at(raw, at)
            kind = raw[at]
            index, at = uleb(raw, at + 1)
            if kind == 0:
                found[name] = index
        return found

    def size(self, nodes):
        total = 0
        for kind, index in nodes:
            if kind == "f" and index >= self.imported_functions:
                total += self.bodies[index - self.imported_functions][2]
            elif kind == "d":
                total += self.symbols[index][5]
        return total


def reach(edges, roots, blocked=frozenset()):
    seen = {root for root in roots if root not in blocked}
    stack = list(seen)
    while stack:
        for target in edges.get(stack.pop(), ()):
            if target not in seen and target not in blocked:
                seen.add(target)
                stack.append(target)
    return seen


def identifiers(name):
    """The length-prefixed identifiers of a legacy-mangled name, its hash left out."""
    found, at = [], 3
    while at < len(name) and name[at].isdigit():
        digits = re.match(r"\d+", name[at:]).group(0)
        at += len(digits)
        found.append(name[at:at + int(digits)])
        at += int(digits)
    return [part for part in found if not re.fullmatch(r"h[0-9a-f]{16}", part)]


def our_part(name):
    """`app::pages::field`, `chidao_core::sync::engine`…: the module of our crates a
    function belongs to (legacy mangling; for a trait method, the module of its type)."""
    if not name or not name.startswith("_ZN"):
        return None
    parts = identifiers(name)
    if parts and parts[0] in ("app", "chidao_core"):
        modules = [parts[0]]
        for part in parts[1:]:
            if not re.fullmatch(r"[a-z_][a-z0-9_]*", part) or len(modules) == 3:
                break
            modules.append(part)
        return "::".join(modules)
    impl = re.search(r"\$LT\$(app|chidao_core)((?:\.\.[a-z_][a-z0-9_]*){1,2})", name)
    if impl:
        return impl.group(1) + impl.group(2).replace("..", "::")
    return None


def main():
    default = os.path.join(
        os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/chidao/target")),
        "front/wasm32-unknown-unknown/wasm-release/app.wasm",
    )
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wasm", nargs="?", default=default)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--match", nargs="*", default=[], help="also the retained size of the functions whose name matches")
    args = parser.parse_args()
    module = Module(open(args.wasm, "rb").read())
    edges = module.graph()
    exports = module.exports()
    roots = [("f", index) for name, index in exports.items() if not ("__wasm_split" in name and "export" in name)]
    main_part = reach(edges, roots)
    whole = module.size(main_part)
    every = module.size({("f", i + module.imported_functions) for i in range(len(module.bodies))})
    print(f"main module: {whole:,} B of code and data ({module.size(n for n in main_part if n[0] == 'f'):,} B code) "
          f"of {every:,} B of code in the whole app")

    parts = collections.defaultdict(set)
    for kind, flags, index, name, _, _ in module.symbols:
        if kind == FUNCTION and not flags & UNDEFINED:
            part = our_part(name)
            if part:
                parts[part].add(("f", index))
    retained = sorted(((whole - module.size(reach(edges, roots, frozenset(nodes))), part) for part, nodes in parts.items()), reverse=True)
    print(f"\nretained in the main module by our modules (top {args.top}):")
    for size, part in retained[: args.top]:
        if size:
            print(f"{size:10,}  {part}")
    for pattern in args.match:
        nodes = frozenset(("f", index) for kind, flags, index, name, _, _ in module.symbols
                          if kind == FUNCTION and name and not flags & UNDEFINED and re.search(pattern, name))
        print(f"{whole - module.size(reach(edges, roots, nodes)):10,}  functions matching {pattern!r} ({len(nodes)})")


if __name__ == "__main__":
    sys.exit(main())
