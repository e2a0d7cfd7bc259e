package geodesic.cuda;

import geodesic.kernel.Device;
import geodesic.kernel.DeviceProvider;
import geodesic.kernel.DeviceStatus;
import geodesic.kernel.DeviceUnavailableException;

/**
 * Offers the CUDA device as {@code cuda}. {@link #status()} checks, in order and stopping at the first missing
 * piece: the JavaCPP CUDA classes, the NVIDIA driver ({@code libcuda.so.1}), JavaCPP's natives for this platform
 * and the CUDA runtime they link, and at least one CUDA device. Listed in
 * {@code META-INF/services/geodesic.kernel.DeviceProvider}; thread-safe.
 */
public final class CudaDeviceProvider implements DeviceProvider {
    /** The name the device is selected by. */
    public static final String NAME = "cuda";

    /** The provider {@link java.util.ServiceLoader} instantiates; touches no native code. */
    public CudaDeviceProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DeviceStatus status() {
        return CudaProbe.status();
    }

    @Override
    public Device open() {
        DeviceStatus status = status();
        if (!status.available()) {
            throw new DeviceUnavailableException(status.detail());
        }
        try {
            return CudaDevice.open();
        } catch (LinkageError | IllegalStateException e) {
            throw new DeviceUnavailableException("opening the CUDA device failed: " + e.getMessage(), e);
        }
    }
}
