"""The error raised when a file cannot be read as a workbook at all; what the system said, in Chinese."""

from __future__ import annotations

import errno

from ..findings.catalog import CATALOG


class WorkbookError(Exception):
    """A file xlscore cannot read: a file-level catalog code (FILE_CORRUPT, …) and one of its
    reasons, whose Chinese message the catalog fills with ``fields``."""

    def __init__(self, code: str, reason: str, **fields):
        entry = CATALOG[code]
        self.code, self.reason = code, reason
        self.message = entry.reasons[reason].message(code, reason, fields) if entry.reasons else entry.message(fields)
        super().__init__(f"{code}: {self.message}")


# what the system said, in Chinese (its own words are English)
_REASONS = {
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许该操作",
    errno.EROFS: "所在磁盘只读",
    errno.ENOENT: "文件或文件夹不存在",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EISDIR: "是一个文件夹",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EIO: "磁盘读写出错",
    errno.EFBIG: "文件超过系统允许的大小",
    errno.EMFILE: "同时打开的文件过多",
    errno.ENFILE: "同时打开的文件过多",
    errno.EBUSY: "文件正被占用",
}


def os_reason(exc: OSError) -> str:
    """Why ``exc`` happened, in Chinese."""
    return _REASONS.get(exc.errno, f"系统错误 {exc.errno}" if exc.errno else "系统错误")
