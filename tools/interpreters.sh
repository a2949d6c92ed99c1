# tools/interpreters.sh: sourced by tools/demo.sh and bench/run.sh.
# Reads what tools/setup-env.sh wrote into $CACHE/interpreters and sets
# BUILD_PY (the CPython that builds the universal binary), PYPY and PYPY_PATH
# (the PyPy 3.11 and the PYTHONPATH entry with its pytest), empty when
# missing, and CPYABI_PYS (the CPythons 3.13+ that build and run the
# CPython-ABI binary).
BUILD_PY="" PYPY="" PYPY_PATH="" CPYABI_PYS=()
while IFS=$'\t' read -r role label py extra; do
    case "$role" in
        build) BUILD_PY="$py" ;;
        pypy) PYPY="$py"; PYPY_PATH="$extra" ;;
        cpyabi) CPYABI_PYS+=("$py") ;;
    esac
done <"$CACHE/interpreters"
