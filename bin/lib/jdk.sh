# Sourced by the bin/ launchers: finds a JDK new enough for Geodesic without any environment variable.
# Order: JAVA_HOME if it is new enough, else the newest JDK under /usr/lib/jvm, else java on PATH.

geodesic_min_java=22

geodesic_java_major() {
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
  case "$v" in
    1.*) echo "${v#1.}" | cut -d. -f1 ;;
    '') echo 0 ;;
    *) echo "${v%%.*}" ;;
  esac
}

# Prints the path of a java binary of version >= geodesic_min_java, or explains what to install and fails.
geodesic_find_java() {
  local candidates=() d c
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  for d in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -V -r); do
    candidates+=("${d%/}/bin/java")
  done
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for c in "${candidates[@]}"; do
    if [ -x "$c" ] && [ "$(geodesic_java_major "$c")" -ge "$geodesic_min_java" ]; then
      echo "$c"
      return 0
    fi
  done
  {
    echo "geodesic: no JDK $geodesic_min_java or newer found (looked at JAVA_HOME, /usr/lib/jvm/*, and java on PATH)."
    echo "geodesic: Geodesic needs the final Foreign Function & Memory API (JDK 22+) and jdk.incubator.vector;"
    echo "geodesic: install one, e.g. a Temurin JDK 25 under /usr/lib/jvm, or point JAVA_HOME at it."
  } >&2
  return 1
}

# True when $1 (a built file) is missing or older than any file under the following paths.
geodesic_stale() {
  local target=$1
  shift
  [ ! -f "$target" ] || [ -n "$(find "$@" -newer "$target" -print -quit 2>/dev/null)" ]
}
