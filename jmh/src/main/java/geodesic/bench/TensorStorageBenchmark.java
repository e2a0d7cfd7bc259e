package geodesic.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The evidence behind {@code Tensor}'s storage choice: the same Vector API axpy ({@code y += a x}) over heap
 * {@code float[]} arrays versus off-heap {@link MemorySegment}s, at an L1-resident and an L2/L3-resident size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchmarkFlags.ADD_VECTOR, BenchmarkFlags.NATIVE_ACCESS})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TensorStorageBenchmark {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    @Param({"4096", "262144"})
    int n;

    private float[] xa;
    private float[] ya;
    private Arena arena;
    private MemorySegment xs;
    private MemorySegment ys;

    @Setup(Level.Trial)
    public void setUp() {
        xa = new float[n];
        ya = new float[n];
        arena = Arena.ofConfined();
        xs = arena.allocate((long) n * Float.BYTES, 64);
        ys = arena.allocate((long) n * Float.BYTES, 64);
        for (int i = 0; i < n; i++) {
            xa[i] = i * 1e-3f;
            xs.setAtIndex(FLOAT, i, i * 1e-3f);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float[] heapArray() {
        float a = 1.0001f;
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector x = FloatVector.fromArray(SPECIES, xa, i);
            FloatVector y = FloatVector.fromArray(SPECIES, ya, i);
            x.fma(FloatVector.broadcast(SPECIES, a), y).intoArray(ya, i);
        }
        for (; i < n; i++) {
            ya[i] = Math.fma(xa[i], a, ya[i]);
        }
        return ya;
    }

    @Benchmark
    public MemorySegment offHeapSegment() {
        float a = 1.0001f;
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            long off = (long) i * Float.BYTES;
            FloatVector x = FloatVector.fromMemorySegment(SPECIES, xs, off, ByteOrder.nativeOrder());
            FloatVector y = FloatVector.fromMemorySegment(SPECIES, ys, off, ByteOrder.nativeOrder());
            x.fma(FloatVector.broadcast(SPECIES, a), y).intoMemorySegment(ys, off, ByteOrder.nativeOrder());
        }
        for (; i < n; i++) {
            ys.setAtIndex(FLOAT, i, Math.fma(xs.getAtIndex(FLOAT, i), a, ys.getAtIndex(FLOAT, i)));
        }
        return ys;
    }
}
