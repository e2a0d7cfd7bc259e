package geodesic.bench;

import geodesic.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Smoke benchmark proving the harness builds; replaced by the kernel benchmarks. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {BenchmarkFlags.ADD_VECTOR, BenchmarkFlags.NATIVE_ACCESS})
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 1, time = 1)
public class TensorFillBenchmark {
    private final Tensor t = Tensor.zeros(1024, 1024);

    @Benchmark
    public Tensor fill() {
        return t.fillInPlace(1f);
    }
}
