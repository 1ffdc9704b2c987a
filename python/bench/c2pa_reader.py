"""The c2pa-python side of the verify_many benchmark: read every file of a
folder with c2pa-python's Reader (its JSON, the validation state and the
training-mining assertion, what a filter needs), in a plain loop or in a
thread pool, and print the seconds it took as JSON.

Runs in the c2pa-python oracle's venv (target/oracles/venv):
    python c2pa_reader.py FOLDER --threads N
"""

import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import c2pa

SETTINGS = {
    "version": 1,
    "core": {"allowed_network_hosts": []},
    "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
}


def read(path: Path, context: "c2pa.Context") -> str:
    with open(path, "rb") as f, c2pa.Reader("image/jpeg", f, None, context) as reader:
        store = json.loads(reader.json())
    return str(store.get("validation_state"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    paths = sorted(Path(args.folder).glob("*.jpg"))
    context = c2pa.Context.from_dict(SETTINGS)
    started = time.perf_counter()
    cpu = time.process_time()
    if args.threads == 1:
        states = [read(p, context) for p in paths]
    else:
        with ThreadPoolExecutor(args.threads) as pool:
            states = list(pool.map(lambda p: read(p, context), paths))
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    json.dump({"seconds": seconds, "cpu": cpu, "files": len(paths), "states": sorted(set(states)),
               "c2pa_python": getattr(c2pa, "__version__", "?")}, sys.stdout)


if __name__ == "__main__":
    main()
