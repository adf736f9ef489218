"""Scheme files read: a bundled scheme by id, a bureau's own by path.

YAML is read with each map's and list's line numbers kept (the validation names them) and a key
written twice refused. The bundled schemes are read from ``bundled.json`` — their data as JSON,
each with the SHA-256 of the YAML it was made from (``make schemes``) — so a check neither imports
nor parses YAML; a YAML file edited since is read itself.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

from ...read.speed import memo
from .model import Scheme, SchemeError
from .validate import build, quote

SCHEME_DIR = Path(str(resources.files("xlscore") / "schemes")).resolve()  # data beside the package's code
BUNDLED_JSON = SCHEME_DIR / "bundled.json"




class _Map(dict):
    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Seq(list):
    line: int = 0


class _DuplicateKey(Exception):
    def __init__(self, key: object, line: int):
        super().__init__(key)
        self.key = key
        self.line = line


@memo  # (made once: the loader class)
def _yaml():
    """(the yaml module, its loader keeping line numbers): imported only when a YAML file is read."""
    import yaml  # start-up guard: a check reads the bundled schemes from JSON

    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when installed: 10× faster
        pass

    # A date stays the text it was (a 来源 like 2023-05-10 is words, not a date to convert).
    Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)
    return yaml, Loader


def _construct_map(loader, node) -> _Map:
    loader.flatten_mapping(node)
    out = _Map()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            key = str(key)
        line = key_node.start_mark.line + 1
        if key in out:
            raise _DuplicateKey(key, line)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = line
    return out


def _construct_seq(loader, node) -> _Seq:
    out = _Seq(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    return out


def _read_yaml(path: Path, label: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SchemeError(label, ["找不到这个文件。"]) from None
    except IsADirectoryError:
        raise SchemeError(label, ["这是一个文件夹，不是指标体系文件。"]) from None
    except UnicodeDecodeError:
        raise SchemeError(label, ["文件不是 UTF-8 编码的文本，请用 UTF-8 保存。"]) from None
    except OSError as exc:
        raise SchemeError(label, [f"无法读取文件（{exc.strerror or exc}）。"]) from None
    yaml, loader = _yaml()
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader
    except _DuplicateKey as exc:
        raise SchemeError(label, [f"第 {exc.line} 行：键 {exc.key} 在同一处写了两次。"]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列：" if mark is not None else ""
        raise SchemeError(label, [f"{where}不是有效的 YAML（{exc.problem or exc.context}）。"
                                  "常见原因：缩进不齐、冒号后缺空格、含冒号或 # 的文字没有加引号。"]) from None
    except yaml.YAMLError as exc:
        raise SchemeError(label, [f"不是有效的 YAML（{exc}）。"]) from None




def bundled_ids() -> list[str]:
    return sorted(p.stem for p in SCHEME_DIR.glob("*.yaml"))


def load_file(path: str | Path) -> Scheme:
    """Load and validate a scheme file (a bureau's own, or a bundled one by path)."""
    path = Path(path)
    label = str(path)
    raw = _read_yaml(path, label)
    bundled = path.resolve().parent == SCHEME_DIR
    return build(raw, label, path, bundled)


@memo  # the bundled schemes do not change while the process runs
def _load_bundled(scheme_id: str) -> Scheme:
    path = SCHEME_DIR / f"{scheme_id}.yaml"
    raw = _bundled_data(path)
    try:
        scheme = build(raw, str(path), path, True) if raw is not None else None
    except SchemeError:
        scheme = None  # read the YAML itself: its problems are then reported with line numbers
    if scheme is None:
        scheme = load_file(path)
    if scheme.id != scheme_id:
        raise SchemeError(str(path), [f"id 为 {quote(scheme.id)}，应与文件名 {scheme_id} 一致。"])
    return scheme


@memo
def _bundled_json() -> dict:
    try:
        return json.loads(BUNDLED_JSON.read_bytes())
    except (OSError, ValueError):
        return {}


def _bundled_data(path: Path) -> Any:
    """The data of a bundled YAML file from :data:`BUNDLED_JSON`, or None when that was not made
    from this very file."""
    entry = _bundled_json().get(path.stem)
    try:
        current = _sha256(path)
    except OSError:
        return None
    return entry["data"] if isinstance(entry, dict) and entry.get("sha256") == current else None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def bundled_json_text() -> str:
    """The text of :data:`BUNDLED_JSON` for the bundled YAML files as they are now (make schemes).
    A file whose data JSON would change (a date, a number used as a key) is refused."""
    out = {}
    for scheme_id in bundled_ids():
        path = SCHEME_DIR / f"{scheme_id}.yaml"
        data = _read_yaml(path, str(path))
        if json.loads(json.dumps(data, ensure_ascii=False)) != data:
            raise SchemeError(str(path), ["含有 JSON 无法原样保存的值（日期、用数字作键等），请改写为文字。"])
        out[scheme_id] = {"sha256": _sha256(path), "data": data}
    # Keys in the YAML's order, as the YAML reader gives them.
    return json.dumps(out, ensure_ascii=False, indent=1) + "\n"


def load(id_or_path: str | Path) -> Scheme:
    """A bundled scheme by id (``municipal``), or a scheme file by path (``本局指标体系.yaml``)."""
    if isinstance(id_or_path, Path):
        return load_file(id_or_path)
    text = str(id_or_path).strip()
    if text in bundled_ids():
        return _load_bundled(text)
    looks_like_path = text.lower().endswith((".yaml", ".yml")) or "/" in text or "\\" in text
    if looks_like_path or Path(text).is_file():
        return load_file(text)
    ids = "、".join(bundled_ids())
    raise SchemeError(text, [f"没有这个指标体系。内置体系：{ids}；也可以给出体系文件（.yaml）的路径。"])


def available() -> list[Scheme]:
    """The bundled schemes, sorted by id."""
    return [_load_bundled(i) for i in bundled_ids()]
