# tools/suite.sh: sourced by tools/test-all.sh and tools/test-wheels.sh.
#
# run_suite LABEL PYTHON PYTHONPATH ENV-ASSIGNMENT... -- PYTEST-ARGS... runs
# pytest with PYTHON in the current directory, after printing which
# binary PYTHON loads there (file, sha256, libuv version); appends a line to
# SUMMARY, adds to T_PASSED, T_FAILED, T_SKIPPED, and to PROBLEMS when the run
# failed, crashed, hung, ran no test or changed a binary (binaries_sha, whose
# output must stay SHA_NOW).  Needs: say, LOGDIR, TIMEOUT, NRUN.

# count WORD LINE: the number before WORD in a pytest summary line (0 if none)
count() { grep -oE "[0-9]+ $1" <<<"$2" | awk '{s += $1} END {print s + 0}'; }

run_suite() {
    local label="$1" py="$2" pypath="$3"; shift 3
    local envs=()
    while [ "$#" -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    NRUN=$((NRUN + 1))
    local log="$LOGDIR/run-$NRUN.log"
    # which binary this interpreter loads, as the tests will (same environment)
    local which
    which="$(env -u HPY -u PYTHONHOME PYTHONPATH="$pypath" "${envs[@]}" timeout 120 "$py" -c '
import hashlib, os, uv, uv._loader as l
v = uv._uv.version()
f, i = os.path.relpath(l._FILE), l._FILE.find("site-packages")
f = l._FILE[i:] if i >= 0 else l._FILE if f.startswith("..") else f
print("%s %s sha256 %s libuv %d.%d.%d" % ("universal" if l.ABI == "universal" else "CPython-ABI",
      f, hashlib.sha256(open(l._FILE, "rb").read()).hexdigest(),
      v >> 16, (v >> 8) & 255, v & 255))' 2>&1 | tail -1)"
    say "$label: ${envs[*]:+${envs[*]} }$py -m pytest -q -p no:cacheprovider ${*@Q}"
    echo "binary: $which"
    env -u HPY -u PYTHONHOME PYTHONPATH="$pypath" UV_TEST_HANG_LOG="$log.hang" "${envs[@]}" \
        timeout -k 30 "$TIMEOUT" "$py" -m pytest -q -p no:cacheprovider "$@" 2>&1 | tee "$log"
    local rc="${PIPESTATUS[0]}"

    # the last pytest summary line, e.g. "== 120 passed, 2 skipped in 3.10s =="
    local line
    line="$(sed 's/\x1b\[[0-9;]*m//g' "$log" |
            grep -E '^[= ]*(no tests ran|[0-9]+ [a-z]+(, [0-9]+ [a-z]+)*) in [0-9.]+s( \([0-9:]+\))?[= ]*$' |
            tail -1 | sed -E 's/^[= ]+//; s/[= ]+$//')"
    local p f e s xf xp
    p=$(count passed "$line"); f=$(count failed "$line"); e=$(count 'errors?' "$line")
    s=$(count skipped "$line"); xf=$(count xfailed "$line"); xp=$(count xpassed "$line")
    local text="$p passed, $((f + e)) failed, $s skipped" extra=()
    [ "$e" -gt 0 ] && extra+=("errors: $e")
    [ "$xf" -gt 0 ] && extra+=("xfailed: $xf")
    [ "$xp" -gt 0 ] && extra+=("xpassed: $xp")
    [ "${#extra[@]}" -gt 0 ] && text="$text ($(IFS=,; echo "${extra[*]}" | sed 's/,/, /g'))"
    T_PASSED=$((T_PASSED + p)); T_FAILED=$((T_FAILED + f + e)); T_SKIPPED=$((T_SKIPPED + s))

    local bad=""
    if [ -z "$line" ]; then
        case "$rc" in
            124|137) bad="TIMEOUT after ${TIMEOUT}s" ;;
            *) if grep -q '^Timeout (' "$log" "$log.hang" 2>/dev/null; then
                   bad="a test hung (faulthandler timeout), exit code $rc"
                   echo "----- stacks of the hanging test ($label) -----"
                   awk '/hang guard:/ {buf = ""} {buf = buf $0 "\n"} END {printf "%s", buf}' "$log.hang"
               else
                   bad="no pytest summary, exit code $rc (crashed or hung?)"
               fi ;;
        esac
    elif [ $((p + f + e + xf + xp)) = 0 ]; then bad="ran no test (exit code $rc)"
    elif [ $((f + e)) -gt 0 ]; then bad="$((f + e)) failed"
    elif [ "$rc" != 0 ]; then bad="pytest exit code $rc"
    fi
    # no interpreter may rebuild or touch a binary; blame the run that did
    local now; now="$(binaries_sha)"
    if [ "$now" != "$SHA_NOW" ]; then
        bad="${bad:+$bad; }a binary was modified or removed during this run"
        SHA_NOW="$now"
    fi
    [ -n "$bad" ] && { text="$text  <-- FAILED: $bad"; PROBLEMS+=("$label: $bad"); }
    local short; short="$(awk '{print $1, $2, substr($4, 1, 16) "...", $5, $6}' <<<"$which")"
    SUMMARY+=("$(printf '%-24s: %s  [%s]' "$label" "$text" "$short")")
}
