package geodesic.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void zerosHasShapeAndSize() {
        Tensor t = Tensor.zeros(2, 3, 4);
        assertArrayEquals(new int[] {2, 3, 4}, t.shape());
        assertEquals(24, t.size());
        assertEquals(3, t.rank());
        assertEquals(4, t.dim(-1));
        assertEquals(0f, t.get(1, 2, 3));
    }

    @Test
    void indexingIsRowMajor() {
        Tensor t = Tensor.zeros(2, 3);
        t.set(7f, 1, 2);
        assertEquals(7f, t.data()[1 * 3 + 2]);
        assertEquals(7f, t.get(1, 2));
    }

    @Test
    void reshapeSharesStorageAndCopyDoesNot() {
        Tensor t = Tensor.zeros(2, 6);
        Tensor v = t.reshape(3, 4);
        assertSame(t.data(), v.data());
        Tensor c = t.copy();
        assertNotSame(t.data(), c.data());
        v.set(5f, 2, 3);
        assertEquals(5f, t.get(1, 5));
        assertEquals(0f, c.get(1, 5));
    }

    @Test
    void wrapRejectsWrongLengthNamingShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.wrap(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
        assertTrue(e.getMessage().contains("5"), e.getMessage());
    }

    @Test
    void nonPositiveDimensionIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3, 0));
        assertTrue(e.getMessage().contains("[3, 0]"), e.getMessage());
    }

    @Test
    void hugeShapeIsRejectedBeforeAllocating() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(1 << 16, 1 << 16));
    }

    @Test
    void requireShapeNamesBothShapes() {
        Tensor t = Tensor.zeros(4, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.requireShape("dense1 input", 4, 6));
        assertTrue(e.getMessage().contains("dense1 input"), e.getMessage());
        assertTrue(e.getMessage().contains("[4, 6]") && e.getMessage().contains("[4, 5]"), e.getMessage());
        assertSame(t, t.requireShape("ok", 4, 5));
    }

    @Test
    void requireSameShapeNamesBothShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(2, 2).requireSameShape("grad", Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("[2, 2]") && e.getMessage().contains("[4]"), e.getMessage());
    }

    @Test
    void outOfBoundsIndexNamesIndexAndShape() {
        Tensor t = Tensor.zeros(2, 3);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0));
        assertTrue(e.getMessage().contains("[2, 0]") && e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.get(1));
    }

    @Test
    void requireFiniteFindsNaNAndInfinity() {
        Tensor t = Tensor.zeros(3);
        t.requireFinite("ok");
        t.set(Float.NaN, 1);
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> t.requireFinite("loss"));
        assertTrue(e.getMessage().contains("loss") && e.getMessage().contains("index 1"), e.getMessage());
        t.set(0f, 1);
        t.set(Float.NEGATIVE_INFINITY, 2);
        assertThrows(ArithmeticException.class, () -> t.requireFinite("x"));
    }

    @Test
    void segmentViewsTheSameMemory() {
        Tensor t = Tensor.zeros(4);
        t.segment().setAtIndex(ValueLayout.JAVA_FLOAT, 2, 3.5f);
        assertEquals(3.5f, t.get(2));
    }

    @Test
    void fillSetsEveryElement() {
        Tensor t = Tensor.zeros(3, 3).fillInPlace(2f);
        for (float v : t.data()) {
            assertEquals(2f, v);
        }
    }
}
