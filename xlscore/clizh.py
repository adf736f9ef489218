"""click's own messages in Chinese ("Missing argument", "No such option", "Invalid value" …).

click looks its messages up through gettext (``_`` and ``ngettext`` in each of its modules, the
stdlib's, with no catalog of ours to find); :func:`install` has those modules look them up here,
by their message ids, keeping click's own placeholders. A message not in the list stays as click
says it."""

from __future__ import annotations

import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.types

MESSAGES = {
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "用“{command} {option}”查看帮助。",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 取值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "No such option {name!r}.": "没有选项 {name}。",
    "No such command {name!r}.": "没有命令 {name}。",
    "Missing command.": "缺少命令。",
    "unknown error": "未知错误",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename}：{message}",
    "Argument {name!r} takes {nargs} values.": "参数 {name} 需要 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name} 不带值。",
    "Aborted!": "已中止。",
    "Value must be an iterable.": "取值须为多个值。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的数值。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid UUID.": "“{value}”不是有效的 UUID。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} {filename} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename} 是文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename} 无法写入。",
    "{name} {filename!r} is not executable.": "{name} {filename} 无法执行。",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
}
PLURALS = {  # (singular, plural) -> Chinese, which has one form
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): "（是否想用 {possibility}？）",
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): "选项 {name} 需要一个值。",
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): "多余的参数：{args}。",
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): "需要 {nargs} 个值，给出了 {len} 个。",
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): "“{value}”不是可选值之一（{choice}）。",
}


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return PLURALS.get((singular, plural), singular if n == 1 else plural)


def missing_message(error: click.exceptions.MissingParameter) -> str:
    """MissingParameter's message as click builds it (``Missing argument 'X'.``, where the full stop
    is click's own, not a message to look up), ending in a Chinese full stop: ``缺少参数 '路径...'。``."""
    if error.param_hint is not None:
        hint = error.param_hint
    elif error.param is not None:
        hint = error.param.get_error_hint(error.ctx)
    else:
        hint = None
    hint = click.exceptions._join_param_hints(hint)
    hint = f" {hint}" if hint else ""
    kind = error.param_type
    if kind is None and error.param is not None:
        kind = error.param.param_type_name
    words = {"argument": "Missing argument", "option": "Missing option", "parameter": "Missing parameter"}
    missing = gettext(words[kind]) if kind in words else gettext("Missing {param_type}").format(param_type=kind)
    extra = error.param.type.get_missing_message(param=error.param, ctx=error.ctx) if error.param is not None else None
    more = "".join(text if text.endswith(("。", "？", "！")) else f"{text}。"
                   for text in (error.message, extra) if text)
    return f"{missing}{hint}。{more}"


def install() -> None:
    """Have click's modules say their messages in Chinese."""
    click.exceptions.MissingParameter.format_message = missing_message
    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types):
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
