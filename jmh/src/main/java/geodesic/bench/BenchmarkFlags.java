package geodesic.bench;

/** JVM flags every forked benchmark JVM needs; referenced from each benchmark's {@code @Fork}. */
final class BenchmarkFlags {
    static final String ADD_VECTOR = "--add-modules=jdk.incubator.vector";
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    private BenchmarkFlags() {
    }
}
