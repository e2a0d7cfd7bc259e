package geodesic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OptionsTest {
    private static Options parse(String... args) {
        return Options.parse("train", List.of(args), Set.of("epochs", "lr", "model"), Set.of("quiet"));
    }

    @Test
    void parsesValuesFlagsAndEqualsForm() {
        Options o = parse("--epochs", "3", "--lr=0.1", "--quiet");
        assertEquals(3, o.integer("epochs", 1, 1, 100));
        assertEquals(0.1, o.number("lr", 1, 0, 10));
        assertTrue(o.flag("quiet"));
        assertEquals("cnn", o.string("model", "cnn"));
        assertFalse(o.has("model"));
    }

    @Test
    void unknownOptionIsNamedWithTheKnownOnes() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--epoch", "3"));
        assertTrue(e.getMessage().contains("--epoch ") && e.getMessage().contains("--epochs"), e.getMessage());
    }

    @Test
    void malformedAndOutOfRangeValuesAreNamed() {
        UsageException e1 = assertThrows(UsageException.class, () -> parse("--epochs", "three").integer("epochs", 1, 1, 9));
        assertTrue(e1.getMessage().contains("--epochs") && e1.getMessage().contains("three"), e1.getMessage());
        UsageException e2 = assertThrows(UsageException.class, () -> parse("--epochs", "0").integer("epochs", 1, 1, 9));
        assertTrue(e2.getMessage().contains("[1, 9]"), e2.getMessage());
        UsageException e3 = assertThrows(UsageException.class, () -> parse("--lr", "NaN").number("lr", 1, 0, 10));
        assertTrue(e3.getMessage().contains("NaN"), e3.getMessage());
    }

    @Test
    void missingValueRepeatedOptionAndStrayArgumentAreRejected() {
        assertThrows(UsageException.class, () -> parse("--epochs"));
        assertThrows(UsageException.class, () -> parse("--epochs", "1", "--epochs", "2"));
        assertThrows(UsageException.class, () -> parse("stray"));
        assertThrows(UsageException.class, () -> parse("--quiet=yes"));
    }

    @Test
    void choiceAcceptsOnlyListedValues() {
        assertEquals("mlp", parse("--model", "mlp").choice("model", "cnn", List.of("cnn", "mlp")));
        UsageException e = assertThrows(UsageException.class,
                () -> parse("--model", "resnet").choice("model", "cnn", List.of("cnn", "mlp")));
        assertTrue(e.getMessage().contains("cnn, mlp") && e.getMessage().contains("resnet"), e.getMessage());
    }
}
