package geodesic.kernel;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The CPU device keeps the {@link Device} contract and refuses other devices' buffers. */
class CpuDeviceTest extends DeviceContract {

    @Override
    protected Device openDevice() {
        return Devices.cpu(Parallelism.sequential());
    }

    @Test
    void buffersOfAnotherDeviceAreRejected() {
        try (Device other = Devices.cpu(Parallelism.sequential())) {
            DeviceBuffer foreign = other.allocate(4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> device.relu(4, foreign, device.allocate(4)));
            assertTrue(e.getMessage().contains("another device"), e.getMessage());
        }
    }

    @Test
    void closedBuffersCannotBeUsed() {
        DeviceBuffer b = device.allocate(4);
        b.close();
        assertThrows(IllegalStateException.class, () -> device.zero(b, 0, 4));
    }
}
