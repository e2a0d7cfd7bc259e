package geodesic.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Device selection: the CPU is always there; an unknown or unavailable device fails once, or falls back. */
class DevicesTest {

    @Test
    void cpuIsAvailableAndOpensWithoutFallback() {
        assertTrue(Devices.status(Devices.CPU).available());
        assertEquals(Devices.CPU, Devices.names().getFirst());
        DeviceSelection s = Devices.open(Devices.CPU, false, Parallelism.sequential());
        try (Device d = s.device()) {
            assertEquals(Devices.CPU, d.name());
            assertFalse(s.fellBack());
        }
    }

    @Test
    void unknownDeviceFailsWithOneMessageNamingItAndTheFallbackOption() {
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class,
                () -> Devices.open("tpu", false, Parallelism.sequential()));
        assertTrue(e.getMessage().startsWith("device 'tpu' is unavailable: no device provider named 'tpu'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("--device-fallback"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void unknownDeviceFallsBackToCpuWhenAllowedAndSaysWhy() {
        DeviceSelection s = Devices.open("tpu", true, Parallelism.sequential());
        try (Device d = s.device()) {
            assertEquals(Devices.CPU, d.name());
            assertTrue(s.fellBack());
            assertTrue(s.fallbackReason().orElseThrow().contains("tpu"), s.fallbackReason().orElseThrow());
        }
    }

    @Test
    void requestedDeviceDefaultsToCpu() {
        String old = System.getProperty(Devices.PROPERTY);
        try {
            System.clearProperty(Devices.PROPERTY);
            assertEquals(Devices.CPU, Devices.requested());
            System.setProperty(Devices.PROPERTY, " CUDA ");
            assertEquals("cuda", Devices.requested());
        } finally {
            if (old == null) {
                System.clearProperty(Devices.PROPERTY);
            } else {
                System.setProperty(Devices.PROPERTY, old);
            }
        }
    }
}
