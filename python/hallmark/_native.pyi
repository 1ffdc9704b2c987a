"""Type stubs of hallmark's native module (re-exported by ``hallmark``)."""

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, Final, Literal, final, overload

#: A report: the object one line of ``hallmark verify --json`` holds
#: (``file``, ``schema_version``, ``state``, ``format``, ``policy``, ``statuses``, …),
#: or for ``verify_many`` an error line ``{"file", "state": "error", "error"}``.
Report = dict[str, Any]
#: A decision: the object one line of ``hallmark policy --json`` holds.
Decision = dict[str, Any]
#: A file by path.
StrPath = str | os.PathLike[str]
#: Media bytes held in memory.
Data = bytes | bytearray | memoryview
#: Trust anchors: a PEM file path, PEM text, or several of them.
Trust = StrPath | bytes | Sequence[StrPath | bytes]
#: A kind of use.
Kind = Literal["ai_training", "ai_generative_training", "ai_inference", "data_mining"]
#: ``"keep"`` or ``"drop"``: what the shard filter does with a kind of sample.
Rule = Literal["keep", "drop"]
#: What ``scan_shard`` returns: ``shard``, ``output``, the counts and ``decisions``.
ScanResult = dict[str, Any]
#: An answer of ``may_use``.
Answer = Literal["allowed", "notAllowed", "constrained", "unspecified", "unknown"]

__version__: Final[str]
#: The version of the report's shape (``schema_version`` in every report).
SCHEMA_VERSION: Final[int]

class Error(Exception):
    """Every error hallmark raises; its message names the file and the problem."""

    #: The library's name for the kind of fault (``None`` on the base class).
    kind: ClassVar[str | None]

class BadInput(Error):
    """The file or bytes are unusable: damaged, empty, of the wrong or an
    unsupported type, too large, or not a regular file."""

    kind: ClassVar[str]

class BadRequest(Error):
    """What was asked cannot be done as asked: invalid or conflicting options,
    an output that exists, a format that cannot be signed, an unknown kind."""

    kind: ClassVar[str]

class BadSetup(Error):
    """The set-up is unusable: signing credentials, passphrase or trust anchors."""

    kind: ClassVar[str]

class Environment(Error):
    """The operating system refused a read or a write."""

    kind: ClassVar[str]

class Internal(Error):
    """hallmark, or the C2PA engine under it, failed in a way it has no better words for."""

    kind: ClassVar[str]

def verify(
    path_or_bytes: StrPath | Data,
    *,
    format: str | None = None,
    trust: Trust | None = None,
) -> Report:
    """Verify the Content Credentials of a file (a path) or of bytes.

    Returns exactly the object the line of ``hallmark verify --json`` holds for
    the same file: ``file`` is the path as given, or ``None`` for bytes.
    ``format`` claims the format (``"jpg"``, ``"image/png"``) when the content
    is ambiguous; for a path it also skips the sidecar (``NAME.c2pa``) lookup.
    ``trust`` is a PEM file path, PEM text, or a list of them, as the CLI's
    ``--trust``: a signer under one of them is ``trusted``.

    Raises ``BadInput`` (unusable media), ``Environment`` (unreadable file),
    ``BadSetup`` (unusable trust anchors), ``BadRequest`` (unknown format).
    The GIL is released while verifying.
    """

def verify_many(
    items: Iterable[StrPath | Data],
    *,
    jobs: int | None = None,
    trust: Trust | None = None,
    format: str | None = None,
) -> VerifyMany:
    """Verify many files or byte strings in Rust threads: an iterator of
    reports in input order.

    ``items`` may be any iterable, a generator included; it is consumed
    lazily, at most ``4 × jobs`` items ahead of the report yielded, so memory
    stays bounded for any number of items. ``jobs`` defaults to the number of
    cores. An item that cannot be verified yields the CLI's error line
    ``{"file": ..., "state": "error", "error": ...}`` (``file`` is ``None`` for
    bytes) and the iteration goes on. An item that is neither a path nor bytes
    raises ``TypeError`` at its position; an exception raised by ``items``
    itself is raised at its position and ends the iteration.
    """

def may_use(report: Report, kind: Kind | str) -> Answer:
    """May the file of ``report`` be used for ``kind``?

    ``"allowed"``, ``"notAllowed"``, ``"constrained"`` (only on the creator's
    terms), ``"unspecified"`` (the creator said nothing) or ``"unknown"``:
    broken or absent credentials, and error lines, never answer ``"allowed"``.
    Raises ``BadRequest`` for an unknown kind or a dict that is not a report.
    """

def decide(report: Report, kind: Kind | str) -> Decision:
    """The answer with what it rests on, as ``hallmark policy --json`` prints it:
    ``file``, ``kind``, ``answer``, ``state``, ``basis``, and when they apply
    ``constraint_info``, ``signer``, ``reason``, ``recovered_manifest``, ``error``."""

@overload
def sign(
    input: Data,
    output: None = None,
    *,
    credentials: Credentials | StrPath,
    passphrase: str | None = None,
    title: str | None = None,
    author: str | None = None,
    source_type: str | None = None,
    allow: str | Iterable[str] | None = None,
    constrain: Mapping[str, str | None] | None = None,
    soft_binding: bool = True,
    iptc: bool = True,
    overwrite: bool = False,
    sidecar: bool = False,
    format: str | None = None,
) -> bytes: ...
@overload
def sign(
    input: StrPath,
    output: StrPath,
    *,
    credentials: Credentials | StrPath,
    passphrase: str | None = None,
    title: str | None = None,
    author: str | None = None,
    source_type: str | None = None,
    allow: str | Iterable[str] | None = None,
    constrain: Mapping[str, str | None] | None = None,
    soft_binding: bool = True,
    iptc: bool = True,
    overwrite: bool = False,
    sidecar: bool = False,
    format: str | None = None,
) -> dict[str, Any]:
    """Sign a file or bytes with a C2PA manifest stating the creator's training policy.

    - ``sign(path, output, ...)`` writes a signed copy to ``output`` (never
      over an existing file unless ``overwrite=True``; with ``sidecar=True``
      the manifest goes to ``output``, a ``.c2pa`` file, and the input is left
      as it is) and returns a dict: ``output``, ``format``, ``kept_parent``,
      ``manifest_bytes``, ``soft_binding``.
    - ``sign(data, ...)`` returns the signed bytes (``format`` claims the
      format when the content is ambiguous).

    ``credentials`` is a loaded ``Credentials`` or a folder made by
    ``hallmark keygen`` (then ``passphrase`` unlocks it). Every use is not
    allowed unless ``allow`` names it (a kind, a list of kinds, or ``"all"``)
    or ``constrain`` maps it to the creator's terms. ``source_type`` is an
    IPTC digital source type term (``digitalCapture``, ``trainedAlgorithmicMedia``…).
    """

def derive(
    rendition: StrPath,
    output: StrPath,
    *,
    original: StrPath,
    credentials: Credentials | StrPath,
    passphrase: str | None = None,
    trust: Trust | None = None,
    action: str | None = None,
    restrict: Iterable[str] | None = None,
    overwrite: bool = False,
) -> dict[str, Any]:
    """Sign a platform's rendition of ``original`` (resized, re-encoded) into
    ``output``, with the original as its ``parentOf`` ingredient (its
    manifest store carried), the actions ``c2pa.opened`` and ``action``
    (``c2pa.transcoded`` by default), the original's effective policy copied
    (``restrict`` names kinds to make not allowed; nothing loosens it), the
    IPTC mirror and a fresh soft binding, as ``hallmark derive`` does.

    Raises ``BadInput`` for an original without credentials or with
    credentials that do not hold up (an untrusted signer is fine: ``trust``
    only says who is trusted). Returns ``output``, ``format``,
    ``original_manifest`` and ``policy``.
    """

@final
class Verifier:
    """Trust settings built once, to verify any number of files with; safe to
    share between threads."""

    def __init__(
        self,
        *,
        trust: Trust | None = None,
        identity_issuers: StrPath | str | bytes | Iterable[StrPath | str | bytes] | None = None,
    ) -> None: ...
    def verify(self, path_or_bytes: StrPath | Data, *, format: str | None = None) -> Report:
        """Like ``hallmark.verify``, with this verifier's trust anchors."""

    def verify_many(
        self,
        items: Iterable[StrPath | Data],
        *,
        jobs: int | None = None,
        format: str | None = None,
    ) -> VerifyMany:
        """Like ``hallmark.verify_many``, with this verifier's trust anchors."""

@final
class VerifyMany(Iterator[Report]):
    """The iterator ``verify_many`` returns: reports in input order."""

    def __iter__(self) -> VerifyMany: ...
    def __next__(self) -> Report: ...

@final
class Credentials:
    """Signing credentials loaded once from a folder made by ``hallmark keygen``,
    the private key decrypted with ``passphrase``."""

    def __init__(self, folder: StrPath, passphrase: str) -> None: ...

def scan_shard(
    shard: StrPath,
    *,
    kind: Kind,
    output: StrPath | None = None,
    decisions: StrPath | None = None,
    trust: Trust | None = None,
    constrained: Rule = "drop",
    invalid: Rule = "drop",
    unsigned: Rule = "keep",
    unreadable: Rule = "drop",
    recover: str | None = None,
) -> ScanResult:
    """Filter one WebDataset shard (``.tar`` or ``.tar.gz``) for ``kind``, exactly as
    ``hallmark scan`` does: every sample decided by the rules, the kept samples'
    members copied byte for byte into ``output``, one decision per sample written to
    ``decisions`` (a path) or returned as a list. Returns ``shard``, ``output``, the
    counts (``samples``, ``kept``, ``dropped``, ``members``, ``verified``,
    ``prechecked``, ``bytes_read``, ``bytes_kept``) and ``decisions``. Raises
    ``BadInput`` for a shard that is not a readable tar, after the decisions of the
    complete samples before the damage."""

def decide_file(
    report: Report,
    *,
    kind: Kind,
    constrained: Rule = "drop",
    invalid: Rule = "drop",
    unsigned: Rule = "keep",
    unreadable: Rule = "drop",
) -> dict[str, Any]:
    """Keep or drop one file by the shard filter's rules, from its report (an error
    line counts as unreadable): ``{"state", "use", "basis", "keep", "reason"}``."""
