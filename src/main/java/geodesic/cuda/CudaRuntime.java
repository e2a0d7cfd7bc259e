package geodesic.cuda;

import static org.bytedeco.cuda.global.cudart.cudaDriverGetVersion;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceCount;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaRuntimeGetVersion;
import static org.bytedeco.cuda.global.cudart.cudaSuccess;

import geodesic.kernel.DeviceStatus;
import java.util.Locale;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Loader;

/** The CUDA runtime calls Geodesic makes outside a device: loading, device discovery, status codes. */
final class CudaRuntime {
    private CudaRuntime() {
    }

    /**
     * Loads the runtime and cuBLAS through JavaCPP and describes device 0, or says why there is none.
     *
     * @throws LinkageError when JavaCPP's natives or the CUDA libraries they link cannot be loaded
     */
    static DeviceStatus describeDevice() {
        Loader.load(cudart.class);
        // cuBLAS too: the device cannot run without it, so a missing libcublas is reported here, not at open().
        Loader.load(cublas.class);
        int[] count = new int[1];
        int status = cudaGetDeviceCount(count);
        if (status != cudaSuccess || count[0] < 1) {
            return DeviceStatus.unavailable("no CUDA device (cudaGetDeviceCount: "
                    + (status == cudaSuccess ? "0 devices" : errorText(status)) + ")");
        }
        int[] driver = new int[1];
        int[] runtime = new int[1];
        cudaDriverGetVersion(driver);
        cudaRuntimeGetVersion(runtime);
        cudaDeviceProp props = new cudaDeviceProp();
        check(cudart.cudaGetDeviceProperties(props, 0), "cudaGetDeviceProperties");
        String name = props.name().getString().trim();
        long memory = props.totalGlobalMem();
        int major = props.major();
        int minor = props.minor();
        props.deallocate();
        return DeviceStatus.available(String.format(Locale.ROOT,
                "%s, %d device(s), %.0f GiB, compute %d.%d, driver %s, runtime %s", name, count[0],
                memory / (double) (1L << 30), major, minor, version(driver[0]), version(runtime[0])));
    }

    /** {@code 13000} as {@code 13.0}. */
    static String version(int v) {
        return (v / 1000) + "." + (v % 1000) / 10;
    }

    /**
     * Throws when a CUDA runtime call failed.
     *
     * @throws IllegalStateException naming the call and the runtime's error text
     */
    static void check(int status, String call) {
        if (status != cudaSuccess) {
            throw new IllegalStateException(call + " failed: " + errorText(status));
        }
    }

    static String errorText(int status) {
        return cudaGetErrorString(status).getString() + " (" + status + ")";
    }
}
