"""hallmark: verify C2PA Content Credentials and the creator's AI-training choice.

``verify`` returns the report ``hallmark verify --json`` prints, as a dict;
``verify_many`` verifies many files or byte strings in Rust threads, in input
order; ``may_use`` and ``decide`` answer "may this file be used for KIND?";
``sign`` embeds a manifest with the creator's policy; ``derive`` signs a
platform's rendition with the creator's original as its parent, keeping the
original's policy; ``scan_shard`` filters a
WebDataset shard as ``hallmark scan`` does, and ``decide_file`` applies the same
rules to one report (``hallmark.ray`` runs both on a Ray cluster). Errors are
``hallmark.Error`` subclasses, one per kind of fault.
"""

from ._native import (
    SCHEMA_VERSION,
    BadInput,
    BadRequest,
    BadSetup,
    Credentials,
    Environment,
    Error,
    Internal,
    Verifier,
    VerifyMany,
    __version__,
    decide,
    decide_file,
    derive,
    may_use,
    scan_shard,
    sign,
    verify,
    verify_many,
)

__all__ = [
    "SCHEMA_VERSION",
    "BadInput",
    "BadRequest",
    "BadSetup",
    "Credentials",
    "Environment",
    "Error",
    "Internal",
    "Verifier",
    "VerifyMany",
    "__version__",
    "decide",
    "decide_file",
    "derive",
    "may_use",
    "scan_shard",
    "sign",
    "verify",
    "verify_many",
]
