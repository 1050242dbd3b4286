# Shared shell pieces for scripts/test.sh, scripts/demo.sh and scripts/bench.sh.
# Sourced, not run.

# Debian packages the tests and the demo need at run time or build time.
CCCD_APT_PACKAGES=(
  pcscd libpcsclite-dev pcsc-tools vsmartcard-vpcd
  softhsm2 opensc openssl
  fonts-dejavu-core fonts-noto-core fonts-ocr-b
  poppler-utils pkg-config gcc
)

# Installs the missing packages; says clearly what is missing when it cannot (not root).
ensure_packages() {
  local missing=()
  for p in "${CCCD_APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]}" >&2
    echo "run as root, or: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "== installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

PCSCD_PID=""
# Starts pcscd in the background unless one already runs (then it is reused and left alone).
start_pcscd() {
  local work=$1
  if [ -S /run/pcscd/pcscd.comm ] && pgrep -x pcscd >/dev/null; then
    echo "== reusing the running pcscd"
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "pcscd is not running and starting it needs root" >&2
    exit 1
  fi
  pcscd --foreground --error > "$work/pcscd.log" 2>&1 &
  PCSCD_PID=$!
  for _ in $(seq 100); do [ -S /run/pcscd/pcscd.comm ] && break; sleep 0.05; done
  sleep 0.1
  kill -0 "$PCSCD_PID" 2>/dev/null || { echo "pcscd failed to start:" >&2; cat "$work/pcscd.log" >&2; exit 1; }
  echo "== pcscd started (pid $PCSCD_PID)"
}

# Stops the pcscd this script started (by its PID), and waits for it.
stop_pcscd() {
  if [ -n "$PCSCD_PID" ]; then
    kill -TERM "$PCSCD_PID" 2>/dev/null || true
    wait "$PCSCD_PID" 2>/dev/null || true
    PCSCD_PID=""
  fi
}

# A SoftHSM2 token private to this run; the PKCS#11 tests find it through these variables.
init_softhsm() {
  local work=$1
  mkdir -p "$work/tokens"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
    "$work/tokens" > "$work/softhsm2.conf"
  export SOFTHSM2_CONF="$work/softhsm2.conf"
  export CCCD_TEST_PKCS11_MODULE=/usr/lib/softhsm/libsofthsm2.so
  export CCCD_TEST_TOKEN_LABEL=cccd-test
  export CCCD_TEST_TOKEN_PIN=123456
  softhsm2-util --init-token --free --label "$CCCD_TEST_TOKEN_LABEL" --so-pin 12345678 \
    --pin "$CCCD_TEST_TOKEN_PIN" >/dev/null
}
