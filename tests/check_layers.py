#!/usr/bin/env python3
"""Checks that harness/'s includes point down its layers.

harness/ is one folder per layer, listed bottom to top in
harness/CMakeLists.txt (QB_HARNESS_LAYERS); bench/ (qb_micro) sits on top
with app/. A file may include its own layer and the layers below it, never
one above. Two modules (a header with its .cpp, named by path without the
extension) must not include each other, directly or round a longer cycle.
The queue author's interface (include/) and the queues (queues/) include
nothing from harness/.

usage: tests/check_layers.py [ROOT]    exit 0 clean, 1 with one line per fault
"""
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"(harness/[^"]+)"', re.M)
LAYERS = re.compile(r'set\(QB_HARNESS_LAYERS\s+([^)]*)\)')
TOP = ('bench',)  # beside the top layer: executables nothing includes


def layers(root):
    text = (root / 'harness' / 'CMakeLists.txt').read_text()
    found = LAYERS.search(text)
    if not found:
        raise SystemExit('check_layers: harness/CMakeLists.txt sets no QB_HARNESS_LAYERS')
    names = found.group(1).split()
    rank = {name: i for i, name in enumerate(names)}
    for name in TOP:
        rank[name] = len(names) - 1
    return rank


def sources(root, folder):
    return sorted(p for p in (root / folder).rglob('*') if p.suffix in ('.hpp', '.cpp', '.h', '.c') and p.is_file())


def module(path):
    """harness/run/timeline.cpp -> harness/run/timeline"""
    return str(path.with_suffix(''))


def find_cycles(edges):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def check(root):
    root = pathlib.Path(root)
    rank = layers(root)
    faults = []
    edges = {}
    for path in sources(root, 'harness'):
        rel = path.relative_to(root)
        parts = rel.parts
        if len(parts) < 3 or parts[1] not in rank:
            faults.append(f'{rel}: not in a layer folder (harness/CMakeLists.txt, QB_HARNESS_LAYERS)')
            continue
        layer = parts[1]
        for target in INCLUDE.findall(path.read_text(errors='replace')):
            tparts = pathlib.PurePosixPath(target).parts
            if len(tparts) < 3 or tparts[1] not in rank:
                faults.append(f'{rel}: includes {target}, which is in no layer')
                continue
            if rank[tparts[1]] > rank[layer]:
                faults.append(f'{rel}: includes {target}: {tparts[1]}/ is above {layer}/')
            a, b = module(rel), module(pathlib.PurePosixPath(target))
            if a != b:
                edges.setdefault(a, set()).add(b)
    for folder in ('include', 'queues'):
        if not (root / folder).is_dir():
            continue
        for path in sources(root, folder):
            for target in INCLUDE.findall(path.read_text(errors='replace')):
                faults.append(f'{path.relative_to(root)}: includes {target}: {folder}/ stands apart from harness/')
    for cycle in find_cycles(edges):
        faults.append('include cycle: ' + ' -> '.join(cycle + [cycle[0]]))
    return faults


def main(argv):
    root = argv[1] if len(argv) > 1 else pathlib.Path(__file__).resolve().parent.parent
    faults = check(root)
    for fault in faults:
        print(f'check_layers: {fault}')
    return 1 if faults else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
