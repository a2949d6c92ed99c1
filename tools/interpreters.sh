# tools/interpreters.sh: sourced by tools/demo.sh and bench/run.sh.
# Reads what tools/setup-env.sh wrote into $CACHE/interpreters and sets
# BUILD_PY (the CPython that builds the binary), PYPY and PYPY_PATH (the
# PyPy 3.11 and the PYTHONPATH entry with its pytest), empty when missing.
BUILD_PY="" PYPY="" PYPY_PATH=""
while IFS=$'\t' read -r role label py extra; do
    case "$role" in
        build) BUILD_PY="$py" ;;
        pypy) PYPY="$py"; PYPY_PATH="$extra" ;;
    esac
done <"$CACHE/interpreters"
