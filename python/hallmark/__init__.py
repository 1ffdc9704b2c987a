"""hallmark: verify C2PA Content Credentials and the creator's AI-training choice.

``verify`` returns the report ``hallmark verify --json`` prints, as a dict;
``verify_many`` verifies many files or byte strings in Rust threads, in input
order; ``may_use`` and ``decide`` answer "may this file be used for KIND?";
``sign`` embeds a manifest with the creator's policy. Errors are
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
    may_use,
    sign,
    verify,
    verify_many,
)

# The WebDataset shard filter (`scan_shard`) joins these once the library has it.

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
    "may_use",
    "sign",
    "verify",
    "verify_many",
]
