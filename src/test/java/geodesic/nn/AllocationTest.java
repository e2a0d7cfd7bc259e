package geodesic.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.kernel.KernelProvider;
import geodesic.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Steady-state training steps reuse the layers' buffers: measured with HotSpot's per-thread allocation counter,
 * on models built with the (default) sequential team so every kernel runs on the test thread, and with the
 * plain-Java kernels: Vector API code allocates its vectors until C2 compiles it, which would take far more warm-up
 * steps than a unit test should run. The bounds leave room for small per-call objects inside the kernels, which nn
 * does not control, but not for any batch buffer.
 */
class AllocationTest {

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** Bytes allocated by the {@code steps}-th training step after {@code steps - 1} warm-up steps, and by the first. */
    private static long[] stepAllocations(Model m, Tensor x, int[] labels, int steps) {
        CrossEntropyLoss loss = new CrossEntropyLoss();
        long[] bytes = new long[2];
        for (int s = 0; s < steps; s++) {
            long before = allocatedBytes();
            m.zeroGrad();
            loss.forward(m.forward(x, Mode.TRAIN), labels);
            m.backward(loss.gradient());
            long used = allocatedBytes() - before;
            if (s == 0) {
                bytes[1] = used;
            }
            bytes[0] = used;
        }
        return bytes;
    }

    @Test
    void denseNetworkWarmTrainingStepAllocatesLessThanItsSmallestBuffer() {
        Sequential m = Sequential.builder(1, 8, 8)
                .flatten().dense(48).batchNorm().relu().dropout(0.2f)
                .dense(10)
                .kernels(KernelProvider.scalar())
                .build(1);
        for (KroneckerFactorSource s : m.kroneckerFactorSources()) {
            s.setKroneckerCapture(true);
        }
        Tensor x = GradientCheck.random(new SplittableRandom(2), 64, 1, 8, 8);
        int[] labels = GradientCheck.labels(new SplittableRandom(3), 64, 10);
        long[] bytes = stepAllocations(m, x, labels, 20);
        for (KroneckerFactorSource s : m.kroneckerFactorSources()) {
            s.inputs();
            s.outputGradients();
        }
        // The smallest per-batch buffer is the logits' gradient, 64 x 10 floats: reallocating any buffer would
        // exceed this. What remains is the kernels' own per-call overhead (GEMM closures), not layer state.
        long smallestBuffer = 64 * 10 * Float.BYTES;
        assertTrue(bytes[0] < smallestBuffer, "warm step allocated " + bytes[0] + " bytes (first step: " + bytes[1]
                + ")");
    }

    @Test
    void convolutionalTrainingStepAllocatesFarLessThanItsBuffers() {
        Sequential m = Architectures.referenceCnn().kernels(KernelProvider.scalar()).build(4);
        Tensor x = GradientCheck.random(new SplittableRandom(5), 8, 1, 28, 28);
        int[] labels = GradientCheck.labels(new SplittableRandom(6), 8, 10);
        long[] bytes = stepAllocations(m, x, labels, 4);
        assertTrue(bytes[0] < bytes[1] / 20, "warm step allocated " + bytes[0] + " bytes, first step " + bytes[1]);
    }
}
