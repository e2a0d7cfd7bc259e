package geodesic.cuda;

import geodesic.kernel.DeviceStatus;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;

/**
 * Finds out, once per JVM, whether the CUDA device can open here and what is missing when not. The checks that
 * need no JavaCPP class run first, so this class itself links without {@code org.bytedeco:cuda}.
 */
final class CudaProbe {
    static final String CLASSES_HINT = "JavaCPP CUDA classes are not on the class path (org.bytedeco:cuda "
            + "13.1-9.19-1.5.13; build with ./mvnw -Pcuda package for its linux-x86_64 natives)";

    private CudaProbe() {
    }

    static DeviceStatus status() {
        return Holder.STATUS;
    }

    private static final class Holder {
        static final DeviceStatus STATUS = probe();
    }

    private static DeviceStatus probe() {
        try {
            Class.forName("org.bytedeco.cuda.global.cudart", false, CudaProbe.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return DeviceStatus.unavailable(CLASSES_HINT);
        }
        if (!driverPresent()) {
            return DeviceStatus.unavailable("no libcuda.so.1 (the NVIDIA driver is not installed or not on the"
                    + " library path)");
        }
        try {
            return CudaRuntime.describeDevice();
        } catch (LinkageError e) {
            return DeviceStatus.unavailable("JavaCPP could not load the CUDA runtime (" + firstLine(e.getMessage())
                    + "); it needs the org.bytedeco:cuda linux-x86_64 natives and the CUDA 13 libraries (cudart,"
                    + " cuBLAS, cuSOLVER) on the library path");
        }
    }

    /** Whether the driver library can be mapped; asked through FFM so that no JavaCPP loader runs. */
    private static boolean driverPresent() {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup("libcuda.so.1", arena);
            return true;
        } catch (IllegalArgumentException | IllegalCallerException e) {
            return false;
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
