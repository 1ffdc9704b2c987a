#!/usr/bin/env python3
"""c2pa-python interop oracle for hallmark.

An independent C2PA implementation (c2pa-python, wrapping c2pa-rs) driven from
the command line. Every subcommand prints exactly one JSON object on stdout:
the result with exit status 0, or {"error": "..."} with exit status 1.
See README.md for the full contract.
"""

import argparse
import datetime
import json
import os
import re
import sys
import traceback
from pathlib import Path

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

CLAIM_GENERATOR = "c2pa-python-oracle"
DEFAULT_LABEL = "cawg.training-mining"
TRAINING_MINING_LABELS = ("cawg.training-mining", "c2pa.training-mining")
# Entry names of the default policy; prefixed with "cawg." or "c2pa." to
# match the assertion label.
POLICY_ENTRIES = ("ai_training", "ai_generative_training", "ai_inference", "data_mining")
# id-kp-documentSigning (RFC 9336); not named in cryptography's OID table.
DOCUMENT_SIGNING_EKU = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
# Signature algorithms of `make-ca` and `sign`: the key type of the CA and
# the signer, and the C2PA algorithm of the manifest signature.
SIGNING_ALGS = {
    "ed25519": c2pa.C2paSigningAlg.ED25519,
    "es256": c2pa.C2paSigningAlg.ES256,
    "ps256": c2pa.C2paSigningAlg.PS256,
}

# Extension -> MIME type. Kept explicit rather than using `mimetypes`, whose
# answers depend on the host's /etc/mime.types (e.g. .webp, .flac, .m4a).
MIME_BY_EXTENSION = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".dng": "image/dng",
    ".svg": "image/svg+xml",
    ".avif": "image/avif",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".jxl": "image/jxl",
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".flac": "audio/flac",
    ".m4a": "audio/mp4",
    ".mp4": "video/mp4",
    ".m4v": "video/x-m4v",
    ".mov": "video/quicktime",
    ".avi": "video/x-msvideo",
    ".pdf": "application/pdf",
    ".c2pa": "application/c2pa",
}


class OracleError(Exception):
    """A failure reported to the caller as {"error": ...}."""


# --------------------------------------------------------------------------
# helpers


def make_context(trust_pem=None):
    """A c2pa Context that never touches the network, with optional trust anchors
    (for signers and, as hallmark uses them, for X.509 identities).

    An empty host allow-list blocks every HTTP request c2pa-rs could make; the
    fetches it would otherwise attempt (remote manifests, OCSP, certificate
    status at signing time) are switched off explicitly as well. c2pa-rs
    silently ignores unknown settings keys, so spelling matters here.
    """
    settings = {
        "version": 1,
        "core": {"allowed_network_hosts": []},
        "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
        "builder": {"certificate_status_fetch": None},
    }
    if trust_pem:
        # The same anchors vouch for signers and for X.509 identities, as in hallmark.
        settings["trust"] = {"trust_anchors": trust_pem}
        settings["cawg_trust"] = {"trust_anchors": trust_pem}
    return c2pa.Context.from_dict(settings)


def mime_for(path, explicit):
    """The explicit format, else the one implied by the extension, else None."""
    return explicit or MIME_BY_EXTENSION.get(Path(path).suffix.lower())


def base_label(label):
    """Assertion label without instance (`__N`) and version (`.vN`) suffixes."""
    return re.sub(r"(\.v\d+)?(__\d+)?$", "", label)


def default_policy(label):
    prefix = label.split(".", 1)[0]
    return {"entries": {f"{prefix}.{name}": {"use": "notAllowed"} for name in POLICY_ENTRIES}}


# --------------------------------------------------------------------------
# make-ca


def _name(common_name, org=None):
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    return x509.Name(attrs)


def _key_usage(digital_signature=False, cert_sign=False):
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _new_key(alg):
    """A private key for `alg`: Ed25519, ECDSA P-256, or RSA 2048 (for RSASSA-PSS)."""
    if alg == "es256":
        return ec.generate_private_key(ec.SECP256R1())
    if alg == "ps256":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ed25519.Ed25519PrivateKey.generate()


def _cert_digest(alg):
    """The digest certificates are signed with: none for Ed25519 (it takes no
    separate digest), else SHA-256 (ecdsa-with-SHA256, sha256WithRSAEncryption)."""
    return None if alg == "ed25519" else hashes.SHA256()


def cmd_make_ca(args):
    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)

    ca_key = _new_key(args.alg)
    ca_name = _name("Oracle Test CA", "Oracle Test Org")
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, _cert_digest(args.alg))
    )

    if args.expired:
        not_before = now - datetime.timedelta(days=400)
        not_after = now - datetime.timedelta(days=30)
    else:
        not_before = now - datetime.timedelta(days=1)
        not_after = now + datetime.timedelta(days=730)
    signer_key = _new_key(args.alg)
    signer_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(args.name, "Oracle Test Org"))
        .issuer_name(ca_name)
        .public_key(signer_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING_EKU]),
            critical=False,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(signer_key.public_key()), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .sign(ca_key, _cert_digest(args.alg))
    )

    pem = serialization.Encoding.PEM
    paths = {"ca": out / "ca.pem", "chain": out / "chain.pem", "key": out / "signer.key"}
    paths["ca"].write_bytes(ca_cert.public_bytes(pem))
    paths["chain"].write_bytes(signer_cert.public_bytes(pem) + ca_cert.public_bytes(pem))
    paths["key"].write_bytes(
        signer_key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    paths["key"].chmod(0o600)
    return {name: str(path) for name, path in paths.items()}


# --------------------------------------------------------------------------
# sign


def has_manifest(path, mime, context):
    """Whether the file already carries a C2PA manifest (valid or not)."""
    with open(path, "rb") as f:
        reader = c2pa.Reader.try_create(mime, f, None, context)
        if reader is None:
            return False
        reader.close()
        return True


def cmd_sign(args):
    mime = mime_for(args.input, args.format)
    if mime is None:
        raise OracleError(f"cannot tell the format of {args.input}; pass --format")
    if Path(args.input).resolve() == Path(args.output).resolve():
        raise OracleError("IN and OUT must be different files")
    context = make_context()

    if args.no_policy:
        policy = None
    elif args.policy:
        policy = json.loads(Path(args.policy).read_text())
    else:
        policy = default_policy(args.label)

    definition = {
        "claim_generator_info": [{"name": CLAIM_GENERATOR, "version": c2pa.__version__}],
        "title": args.title or Path(args.input).name,
        "format": mime,
        "assertions": [],
    }
    if policy is not None:
        definition["assertions"].append({"label": args.label, "data": policy})

    edit = args.parent or has_manifest(args.input, mime, context)
    builder = c2pa.Builder(definition, context=context)
    if edit:
        # Edit intent: c2pa-rs adds a c2pa.opened action tied to the parent
        # ingredient added here (it would otherwise derive an untitled one
        # from the source stream).
        with open(args.input, "rb") as f:
            builder.add_ingredient(
                {"title": Path(args.input).name, "relationship": "parentOf"}, mime, f
            )
        builder.set_intent(c2pa.C2paBuilderIntent.EDIT)
    else:
        # Create intent: c2pa-rs adds the c2pa.created action with digitalSourceType
        # http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture.
        builder.set_intent(
            c2pa.C2paBuilderIntent.CREATE, c2pa.C2paDigitalSourceType.DIGITAL_CAPTURE
        )

    # ta_url=None: no timestamp authority, so signing never goes online.
    signer_info = c2pa.C2paSignerInfo(
        SIGNING_ALGS[args.alg],
        Path(args.chain).read_bytes(),
        Path(args.key).read_bytes(),
        None,
    )
    with c2pa.Signer.from_info(signer_info) as signer:
        with open(args.input, "rb") as src, open(args.output, "w+b") as dst:
            try:
                builder.sign(signer, mime, src, dst)
            except BaseException:
                # Leave no half-written output behind.
                dst.close()
                os.unlink(args.output)
                raise
    return {"signed": args.output, "format": mime}


# --------------------------------------------------------------------------
# read


def codes(entries):
    return [entry["code"] for entry in entries or []]


def training_mining(manifest):
    for assertion in manifest.get("assertions", []):
        if base_label(assertion["label"]) in TRAINING_MINING_LABELS:
            data = assertion.get("data")
            entries = data.get("entries") if isinstance(data, dict) else None
            return {"label": assertion["label"], "entries": entries}
    return None


def soft_bindings(manifest):
    """The c2pa.soft-binding assertions' blocks as c2pa-python reads them:
    the algorithm and each block's value (base64 in the reader's JSON)."""
    found = []
    for assertion in manifest.get("assertions", []):
        if base_label(assertion["label"]) != "c2pa.soft-binding":
            continue
        data = assertion.get("data") or {}
        for block in data.get("blocks") or []:
            found.append({"alg": data.get("alg"), "value": block.get("value")})
    return found


def claim_generator(manifest):
    # v2 claims carry only claim_generator_info; v1 claims a string.
    info = manifest.get("claim_generator_info") or []
    if info:
        return info[0].get("name")
    return manifest.get("claim_generator")


def cmd_read(args):
    trust_pem = "".join(Path(p).read_text() for p in args.trust) if args.trust else None
    context = make_context(trust_pem)
    # With no known format c2pa-rs detects it from the bytes.
    mime = mime_for(args.file, args.format)

    try:
        manifest = None
        if args.manifest:
            with open(args.manifest, "rb") as m:
                manifest = m.read()
        with open(args.file, "rb") as f, c2pa.Reader(mime, f, manifest, context) as reader:
            store = json.loads(reader.json())
    except c2pa.C2paError.ManifestNotFound:
        nothing = {
            "state": None,
            "has_manifest": False,
            "statuses": [],
            "failure_codes": [],
            "success_codes": [],
            "informational_codes": [],
            "active_manifest": None,
            "manifest_count": 0,
            "training_mining": None,
            "title": None,
            "claim_generator": None,
            "signer": None,
            "ingredients": [],
        }
        if args.detail:
            nothing.update({"claim_version": None, "signed_at": None, "ingredient_deltas": []})
        return nothing

    label = store.get("active_manifest")
    manifest = store.get("manifests", {}).get(label, {}) if label else {}
    results = (store.get("validation_results") or {}).get("activeManifest") or {}
    failures = results.get("failure") or []
    signature = manifest.get("signature_info")
    read = {
        "state": store.get("validation_state"),
        "has_manifest": True,
        "statuses": [
            {"code": f["code"], "explanation": f.get("explanation"), "url": f.get("url")}
            for f in failures
        ],
        "failure_codes": codes(failures),
        "success_codes": codes(results.get("success")),
        "informational_codes": codes(results.get("informational")),
        "active_manifest": label,
        "manifest_count": len(store.get("manifests", {})),
        "training_mining": training_mining(manifest),
        "soft_bindings": soft_bindings(manifest),
        "title": manifest.get("title"),
        "claim_generator": claim_generator(manifest),
        "signer": {
            "common_name": signature.get("common_name"),
            "issuer": signature.get("issuer"),
            "alg": signature.get("alg"),
        }
        if signature
        else None,
        "ingredients": [
            {"title": i.get("title"), "relationship": i.get("relationship")}
            for i in manifest.get("ingredients", [])
        ],
    }
    if args.detail:
        # What each ingredient carries: its manifest, and the validation the
        # signer of this manifest recorded for it.
        for entry, ingredient in zip(read["ingredients"], manifest.get("ingredients", [])):
            recorded = ((ingredient.get("validation_results") or {}).get("activeManifest") or {})
            entry["active_manifest"] = ingredient.get("active_manifest")
            entry["recorded_failures"] = [s.get("code") for s in recorded.get("failure", [])]
            entry["recorded_success"] = [s.get("code") for s in recorded.get("success", [])]
    if args.detail:
        read.update(detail(store, manifest))
    return read


def detail(store, manifest):
    """What `read --detail` adds: the active claim's version, its signing time,
    and the validation results of each ingredient's manifest."""
    deltas = (store.get("validation_results") or {}).get("ingredientDeltas") or []
    return {
        "claim_version": manifest.get("claim_version"),
        "signed_at": (manifest.get("signature_info") or {}).get("time"),
        "ingredient_deltas": [
            {
                "ingredient": delta.get("ingredientAssertionURI"),
                "failure_codes": codes(delta["validationDeltas"].get("failure")),
                "success_codes": codes(delta["validationDeltas"].get("success")),
                "informational_codes": codes(delta["validationDeltas"].get("informational")),
            }
            for delta in deltas
        ],
    }


# --------------------------------------------------------------------------
# formats


def cmd_formats(_args):
    # The native lists mix MIME types with bare extensions; keep MIME types.
    def mimes(types):
        return sorted(t for t in types if "/" in t)

    return {
        "read": mimes(c2pa.Reader.get_supported_mime_types()),
        "sign": mimes(c2pa.Builder.get_supported_mime_types()),
        "c2pa_python": c2pa.__version__,
        "c2pa_rs": c2pa.sdk_version(),
    }


# --------------------------------------------------------------------------
# CLI


class JsonArgumentParser(argparse.ArgumentParser):
    """Reports usage errors through the JSON error contract."""

    def error(self, message):
        raise OracleError(f"usage: {message}")


def build_parser():
    parser = JsonArgumentParser(prog="oracle.py", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=JsonArgumentParser)

    p = sub.add_parser("make-ca", help="create a test CA and signer certificate")
    p.add_argument("dir")
    p.add_argument("--alg", default="ed25519", choices=SIGNING_ALGS, help="key type of both")
    p.add_argument("--expired", action="store_true", help="signer cert validity in the past")
    p.add_argument("--name", default="Oracle Signer", help="signer common name")
    p.set_defaults(func=cmd_make_ca)

    p = sub.add_parser("sign", help="sign media with a training-mining assertion")
    p.add_argument("input", metavar="IN")
    p.add_argument("output", metavar="OUT")
    p.add_argument("--chain", required=True, help="PEM: signer cert then CA cert")
    p.add_argument("--key", required=True, help="PEM PKCS#8 private key")
    p.add_argument("--alg", default="ed25519", choices=SIGNING_ALGS, help="signature algorithm")
    p.add_argument("--format", help="MIME type (default: from the IN extension)")
    policy = p.add_mutually_exclusive_group()
    policy.add_argument("--policy", help="JSON file: the assertion's data object")
    policy.add_argument("--no-policy", action="store_true", help="no training-mining assertion")
    p.add_argument("--label", default=DEFAULT_LABEL, choices=TRAINING_MINING_LABELS)
    p.add_argument("--title", help="manifest title (default: IN file name)")
    p.add_argument("--parent", action="store_true", help="edit intent with IN as parent ingredient")
    p.set_defaults(func=cmd_sign)

    p = sub.add_parser("read", help="read and validate a manifest")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", help="MIME type (default: from the FILE extension)")
    p.add_argument("--trust", action="append", metavar="PEM", help="trust anchor PEM file")
    p.add_argument("--manifest", metavar="C2PA", help="a sidecar manifest store for FILE")
    p.add_argument(
        "--detail",
        action="store_true",
        help="add claim_version, signed_at and ingredient_deltas",
    )
    p.set_defaults(func=cmd_read)

    p = sub.add_parser("formats", help="MIME types c2pa-python reads and signs")
    p.set_defaults(func=cmd_formats)
    return parser


def main(argv=None):
    # Reserve the real stdout for the single JSON answer: anything else written
    # to fd 1 (by Python or by the native library) is diverted to stderr.
    answer = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())

    try:
        args = build_parser().parse_args(argv)
        result, status = args.func(args), 0
    except (OracleError, c2pa.C2paError) as e:
        # c2pa-python messages already start with the c2pa-rs error kind.
        result, status = {"error": str(e)}, 1
    except (OSError, json.JSONDecodeError) as e:
        result, status = {"error": f"{type(e).__name__}: {e}"}, 1
    except Exception as e:  # noqa: BLE001 - the contract is JSON on any failure
        traceback.print_exc()
        result, status = {"error": f"{type(e).__name__}: {e}"}, 1
    answer.write(json.dumps(result) + "\n")
    answer.flush()
    return status


if __name__ == "__main__":
    sys.exit(main())
