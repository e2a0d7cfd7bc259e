package geodesic.nn;

import geodesic.kernel.Elementwise;
import geodesic.kernel.KernelProvider;
import geodesic.kernel.MatMul;
import geodesic.kernel.Parallelism;

/** The kernels one model's layers run on, all bound to the model's {@link Parallelism}. */
record Kernels(KernelProvider provider, Parallelism parallelism, MatMul matMul, Elementwise elementwise) {

    static Kernels of(KernelProvider provider, Parallelism parallelism) {
        return new Kernels(provider, parallelism, provider.matMul(parallelism), provider.elementwise());
    }

    /** The JVM's chosen kernels, single-threaded: the default for layers built in tests. */
    static Kernels sequential() {
        return of(KernelProvider.get(), Parallelism.sequential());
    }
}
