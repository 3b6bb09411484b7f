"""The backup archive: one .tar.gz holding the files and a manifest with each file's size and sha256.

The manifest is the last member (it can only be written once every file is hashed);
``tar -xzOf ARCHIVE manifest.json`` prints it. The archive is written to a temporary file beside
its destination and renamed into place, so a half-written backup never carries the final name.
"""
import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
import zlib
from pathlib import Path, PurePosixPath

from app.rules import RuleError

FORMAT = "county-sports-desk-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(RuleError):
    """A backup or restore that cannot go on; the message is for the administrator."""


class _HashingReader:
    """Reads at most ``size`` bytes from ``f``, hashing what it hands on."""

    def __init__(self, f, size: int):
        self.f, self.left, self.sha256 = f, size, hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        n = self.left if n is None or n < 0 else min(n, self.left)
        data = self.f.read(n)
        self.left -= len(data)
        self.sha256.update(data)
        return data


class ArchiveWriter:
    """``with ArchiveWriter(dest) as archive: archive.add_file(...); archive.finish(manifest)``."""

    def __init__(self, dest: Path):
        self.dest = Path(dest)
        self.files: list[dict] = []
        self._tmp: Path | None = None
        self._tar: tarfile.TarFile | None = None
        self._raw = None

    def __enter__(self) -> "ArchiveWriter":
        # mkstemp creates the file readable by its owner only: the archive holds the secret key.
        fd, tmp = tempfile.mkstemp(prefix=f".{self.dest.name}.", suffix=".part", dir=self.dest.parent)
        self._tmp, self._raw = Path(tmp), os.fdopen(fd, "wb")
        self._tar = tarfile.open(fileobj=self._raw, mode="w:gz")
        return self

    def __exit__(self, exc_type, exc, tb):
        if self._tar is not None:  # not finished: an error on the way
            try:
                self._tar.close()
            finally:
                self._raw.close()
                self._tmp.unlink(missing_ok=True)
        return False

    def _add(self, name: str, f, size: int, mode: int, mtime: float | None = None) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, mode, int(time.time() if mtime is None else mtime)
        reader = _HashingReader(f, size)
        self._tar.addfile(info, reader)
        self.files.append({"path": name, "size": size, "sha256": reader.sha256.hexdigest()})

    def add_file(self, name: str, path: Path, mode: int = 0o644) -> None:
        """Add the file at ``path`` as ``name``, hashing it in the same pass that copies it."""
        with open(path, "rb") as f:
            stat = os.fstat(f.fileno())
            self._add(name, f, stat.st_size, mode, stat.st_mtime)

    def add_bytes(self, name: str, data: bytes, mode: int = 0o644) -> None:
        self._add(name, io.BytesIO(data), len(data), mode)

    def finish(self, manifest: dict) -> dict:
        """Write the manifest (``manifest`` plus the file list) and move the archive into place."""
        manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, **manifest, "files": self.files}
        data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode, info.mtime = len(data), 0o644, int(time.time())
        self._tar.addfile(info, io.BytesIO(data))
        self._tar.close()  # closes the gzip stream, not the file under it
        self._tar = None
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        os.replace(self._tmp, self.dest)
        return manifest


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (bool(name) and not path.is_absolute() and "\\" not in name and "\0" not in name
            and all(part not in ("", ".", "..") for part in name.split("/")))


def extract_verified(archive: Path, into: Path) -> dict:
    """Unpack ``archive`` into the directory ``into`` and return its manifest, after checking
    that every file the manifest lists is there with its size and sha256 and nothing else is.

    Raises BackupError (nothing outside ``into`` is written) when anything does not match.
    """
    seen: dict[str, tuple[int, str]] = {}
    manifest_bytes = None
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                if not member.isfile() or not _safe_name(member.name):
                    raise BackupError(f"归档中有不允许的条目“{member.name}”，已拒绝恢复。")
                if member.name in seen or (member.name == MANIFEST and manifest_bytes is not None):
                    raise BackupError(f"归档中“{member.name}”出现了两次，已拒绝恢复。")
                source = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest_bytes = source.read()
                    continue
                target = into / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest, size = hashlib.sha256(), 0
                with open(target, "wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                seen[member.name] = (size, digest.hexdigest())
    except FileNotFoundError:
        raise BackupError(f"找不到备份文件 {archive}。") from None
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(f"无法读取备份文件 {archive}（{error}），文件可能已损坏。") from None

    if manifest_bytes is None:
        raise BackupError("归档中没有 manifest.json，不是本系统的备份文件。")
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
        listed = {f["path"]: (int(f["size"]), str(f["sha256"])) for f in manifest["files"]}
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BackupError("manifest.json 无法解析，备份文件已损坏。") from None
    if manifest.get("format") != FORMAT:
        raise BackupError("manifest.json 不是本系统的备份清单。")
    if not isinstance(manifest.get("format_version"), int) or manifest["format_version"] > FORMAT_VERSION:
        raise BackupError(f"备份格式版本 {manifest.get('format_version')} 比本程序支持的（{FORMAT_VERSION}）新，请先升级程序。")

    missing = sorted(set(listed) - set(seen))
    if missing:
        raise BackupError(f"备份文件不完整，缺少 {len(missing)} 个文件：{'、'.join(missing[:5])}。已拒绝恢复。")
    extra = sorted(set(seen) - set(listed))
    if extra:
        raise BackupError(f"备份文件中有清单未列出的文件：{'、'.join(extra[:5])}。已拒绝恢复。")
    wrong = sorted(name for name in listed if listed[name] != seen[name])
    if wrong:
        raise BackupError(f"备份文件校验和不符（{'、'.join(wrong[:5])}），文件已损坏或被改动。已拒绝恢复。")
    return manifest
