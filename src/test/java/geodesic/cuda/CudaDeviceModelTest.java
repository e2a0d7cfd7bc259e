package geodesic.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.kernel.Device;
import geodesic.kernel.Devices;
import geodesic.kernel.MomentumStep;
import geodesic.kernel.Parallelism;
import geodesic.nn.Architectures;
import geodesic.nn.DeviceModel;
import geodesic.nn.Parameter;
import geodesic.nn.Sequential;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The reference CNN trained for a few momentum steps on the GPU ends where the same steps on the CPU device end,
 * within float32 tolerance; skipped where there is no usable GPU.
 */
class CudaDeviceModelTest {

    @Test
    void referenceCnnStepsOnGpuMatchCpuDevice() {
        CudaAssumptions.assumeCuda();
        int batch = 33;
        SplittableRandom r = new SplittableRandom(7);
        float[] x = new float[batch * 784];
        int[] labels = new int[batch];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < batch; i++) {
            labels[i] = r.nextInt(10);
        }
        Sequential onCpu = Architectures.referenceCnn().build(3);
        Sequential onGpu = Architectures.referenceCnn().build(3);
        double cpuLoss = 0, gpuLoss = 0;
        try (Device cpu = Devices.cpu(Parallelism.sequential());
             DeviceModel a = DeviceModel.of(Architectures.referenceCnn().build(3), cpu, batch);
             Device gpu = new CudaDeviceProvider().open();
             DeviceModel b = DeviceModel.of(Architectures.referenceCnn().build(3), gpu, batch)) {
            for (int step = 0; step < 3; step++) {
                MomentumStep s = new MomentumStep(0.01, 0.9, 0, false, 0, step == 0);
                cpuLoss = a.trainStep(x, labels, batch, s);
                gpuLoss = b.trainStep(x, labels, batch, s);
            }
            a.copyParametersTo(onCpu);
            b.copyParametersTo(onGpu);
        }
        assertTrue(Math.abs(cpuLoss - gpuLoss) <= 1e-4 * Math.max(1, cpuLoss), cpuLoss + " vs " + gpuLoss);
        for (int i = 0; i < onCpu.parameters().size(); i++) {
            Parameter p = onCpu.parameters().get(i);
            float[] e = p.value().data(), g = onGpu.parameters().get(i).value().data();
            double scale = 0, worst = 0;
            for (float v : e) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int j = 0; j < e.length; j++) {
                worst = Math.max(worst, Math.abs(e[j] - g[j]) / scale);
            }
            assertTrue(worst <= 1e-4, p.name() + ": max error relative to the largest weight " + worst);
        }
    }
}
