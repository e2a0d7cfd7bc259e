package geodesic.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import geodesic.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ArchitecturesTest {

    static Stream<Arguments> zoo() {
        return Stream.of(
                Arguments.of("mlp", Architectures.mlp(), 269_322L),
                Arguments.of("referenceCnn", Architectures.referenceCnn(), 857_738L),
                Arguments.of("alexNet 1x28x28", Architectures.alexNet(1, 28, 10), 1_421_162L),
                Arguments.of("alexNet 3x32x32", Architectures.alexNet(3, 32, 10), 1_880_490L),
                Arguments.of("vgg 1x28x28", Architectures.vgg(1, 28, 10), 2_376_778L),
                Arguments.of("vgg 3x32x32", Architectures.vgg(3, 32, 10), 2_377_354L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zoo")
    void parameterCountMatchesTheDocumentedArchitecture(String name, Sequential.Builder builder, long expected) {
        Sequential m = builder.build(0);
        assertEquals(expected, m.parameterCount(), name + "\n" + m.summary());
        assertEquals(Shape.of(10), m.outputShape(), name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zoo")
    void predictGivesFiniteLogitsOfTheRightShape(String name, Sequential.Builder builder, long ignored) {
        Sequential m = builder.build(1);
        Tensor x = GradientCheck.random(new SplittableRandom(2), m.inputShape().withBatch(2));
        Tensor y = m.predict(x);
        assertArrayEquals(new int[] {2, 10}, y.shape(), name);
        y.requireFinite(name + " logits");
    }

    @Test
    void reducedNetworksHaveTheDocumentedSpatialSizes() {
        Sequential alex = Architectures.alexNet(1, 28, 10).build(0);
        assertEquals(Shape.of(1152), layer(alex, "flatten1").outputShape());
        Sequential vgg = Architectures.vgg(1, 28, 10).build(0);
        assertEquals(4, vgg.layers().stream().filter(l -> l instanceof MaxPool2d).count(),
                "28x28 VGG skips the pool that would start from 1x1");
        assertEquals(Shape.of(256), layer(vgg, "flatten1").outputShape());
        assertEquals(5, Architectures.vgg(3, 32, 100).build(0).layers().stream()
                .filter(l -> l instanceof MaxPool2d).count());
        assertEquals(Shape.of(100), Architectures.vgg(3, 32, 100).build(0).outputShape());
        assertEquals(2752L, vgg.layers().stream().filter(l -> l instanceof BatchNorm)
                .flatMap(l -> l.parameters().stream()).mapToLong(Parameter::size).sum());
    }

    @Test
    void alexNetRejectsImagesTooSmallForItsPools() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Architectures.alexNet(3, 7, 10));
        assertEquals("alexNet needs images of at least 8x8 for its three pools, got 7x7", e.getMessage());
    }

    private static Layer layer(Model m, String name) {
        return m.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }
}
