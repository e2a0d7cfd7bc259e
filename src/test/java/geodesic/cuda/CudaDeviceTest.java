package geodesic.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import geodesic.kernel.Device;
import geodesic.kernel.DeviceContract;
import org.junit.jupiter.api.Test;

/**
 * The CUDA device keeps the {@link Device} contract the CPU device keeps (same float64 references, same tolerances);
 * skipped with the probe's reason where there is no usable GPU.
 */
class CudaDeviceTest extends DeviceContract {

    @Override
    protected Device openDevice() {
        CudaAssumptions.assumeCuda();
        return new CudaDeviceProvider().open();
    }

    @Test
    void reportsItsNameAndDescribesTheGpu() {
        assertEquals("cuda", device.name());
        assertEquals(true, device.description().startsWith("cuda: "), device.description());
    }
}
