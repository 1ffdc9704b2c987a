# Shell helpers shared by hallmark's scripts (tests/run.sh, wasm/build.sh, the
# benchmarks). Source it; it defines functions only.

# A progress line on stderr, with the minutes and seconds since the script started.
say() { printf '==> [%d:%02d] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*" >&2; }

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
