package geodesic.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.kernel.Device;
import geodesic.kernel.DeviceSelection;
import geodesic.kernel.DeviceStatus;
import geodesic.kernel.DeviceUnavailableException;
import geodesic.kernel.Devices;
import geodesic.kernel.Parallelism;
import org.junit.jupiter.api.Test;

/**
 * The provider is found through the service loader on any machine, and asking for it gives either the GPU or one
 * line saying what is missing; the CPU stands in only when fallback is allowed. Runs everywhere.
 */
class CudaDeviceProviderTest {

    @Test
    void providerIsListedAndItsStatusIsOneLine() {
        assertTrue(Devices.names().contains("cuda"), Devices.names().toString());
        DeviceStatus status = Devices.status("cuda");
        assertFalse(status.detail().contains("\n"), status.detail());
        assertTrue(status.toString().startsWith(status.available() ? "available (" : "unavailable ("),
                status.toString());
    }

    @Test
    void openingGivesTheGpuOrOneClearFailureAndFallsBackOnlyWhenAllowed() {
        DeviceStatus status = Devices.status("cuda");
        if (status.available()) {
            try (Device d = Devices.open("cuda", false, Parallelism.sequential()).device()) {
                assertEquals("cuda", d.name());
            }
            return;
        }
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class,
                () -> Devices.open("cuda", false, Parallelism.sequential()));
        assertEquals("device 'cuda' is unavailable: " + status.detail() + "; pass --device-fallback (or"
                + " -Dgeodesic.device.fallback=true) to run on the CPU instead", e.getMessage());
        DeviceSelection s = Devices.open("cuda", true, Parallelism.sequential());
        try (Device d = s.device()) {
            assertEquals("cpu", d.name());
            assertTrue(s.fellBack());
        }
    }
}
