# Sourced by the scripts beside it: installs the Debian packages a script needs when missing.

# as_root COMMAND...: runs the command as root, directly or through sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# install_debian_packages PACKAGE...: apt-get install without prompts or recommended extras.
install_debian_packages() {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
