package geodesic.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import geodesic.kernel.DeviceStatus;

/** Skips a test, with the probe's reason, where this machine cannot run the CUDA device. */
final class CudaAssumptions {
    private CudaAssumptions() {
    }

    static void assumeCuda() {
        DeviceStatus status = new CudaDeviceProvider().status();
        assumeTrue(status.available(), () -> "no usable CUDA device: " + status.detail());
    }
}
