"""The peer in bench/compare.sh: verify every file of a folder with
c2pa-python (the C2PA reference SDK's Python binding) and print one JSON
line per file, the way `hallmark verify --json` does.

Usage: python peer_verify.py FOLDER
"""

import json
import sys
from pathlib import Path

import c2pa

# The same offline settings hallmark uses: no network, no remote manifests, no OCSP.
CONTEXT = c2pa.Context.from_dict({
    "version": 1,
    "core": {"allowed_network_hosts": []},
    "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
})
MIME = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".wav": "audio/wav", ".mp4": "video/mp4"}


def main(folder):
    out = sys.stdout
    for path in sorted(Path(folder).rglob("*")):
        if not path.is_file():
            continue
        try:
            with open(path, "rb") as stream, c2pa.Reader(MIME[path.suffix.lower()], stream, None, CONTEXT) as reader:
                store = json.loads(reader.json())
                line = {"file": str(path), "state": reader.get_validation_state(), "manifests": len(store.get("manifests", {}))}
        except Exception as error:  # a failed file is reported, like hallmark's error lines
            line = {"file": str(path), "state": "error", "error": str(error)}
        out.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
