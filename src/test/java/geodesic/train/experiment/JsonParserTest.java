package geodesic.train.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.train.experiment.JsonValue.JsonArray;
import geodesic.train.experiment.JsonValue.JsonBoolean;
import geodesic.train.experiment.JsonValue.JsonNull;
import geodesic.train.experiment.JsonValue.JsonNumber;
import geodesic.train.experiment.JsonValue.JsonObject;
import geodesic.train.experiment.JsonValue.JsonString;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonParserTest {

    @Test
    void parsesEveryKindOfValueWithItsLine() {
        JsonObject o = assertInstanceOf(JsonObject.class, JsonParser.parse("""
                {
                  "s": "a\\"b\\\\c\\n\\u00e9\\/",
                  "n": -12.5e-1,
                  "i": 0,
                  "t": true, "f": false,
                  "z": null,
                  "a": [1, [], {}]
                }
                """, "x.json"));
        assertEquals(List.of("s", "n", "i", "t", "f", "z", "a"), List.copyOf(o.members().keySet()));
        assertEquals("a\"b\\c\né/", assertInstanceOf(JsonString.class, o.members().get("s")).value());
        assertEquals(new BigDecimal("-1.25"),
                assertInstanceOf(JsonNumber.class, o.members().get("n")).value().stripTrailingZeros());
        assertEquals(3, o.members().get("n").line());
        assertEquals(BigDecimal.ZERO, assertInstanceOf(JsonNumber.class, o.members().get("i")).value());
        assertTrue(assertInstanceOf(JsonBoolean.class, o.members().get("t")).value());
        assertInstanceOf(JsonNull.class, o.members().get("z"));
        JsonArray a = assertInstanceOf(JsonArray.class, o.members().get("a"));
        assertEquals(3, a.elements().size());
        assertEquals(7, a.line());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"a\": 1,}|1:9: trailing comma before '}'",
        "[1, 2,]|1:7: trailing comma before ']'",
        "{\"a\": 1, \"a\": 2}|1:10: member \"a\" appears twice",
        "{\"a\": 01}|1:8: leading zeros",
        "{\"a\": .5}|1:7: unexpected '.', expected a value",
        "{\"a\": 1.}|1:9: a digit must follow the decimal point",
        "{\"a\": \"x}|1:10: unterminated string",
        "{\"a\": NaN}|1:7: unexpected 'N', expected a value",
        "{\"a\": tru}|1:7: expected a value",
        "{\"a\": 1} x|1:10: unexpected 'x' after the end of the JSON value",
        "// note\\n{}|1:1: unexpected comment (JSON has none)",
        "{\\n  \"a\" 1}|2:7: unexpected '1', expected ':'",
        "{a: 1}|1:2: expected a quoted member name",
        "[1 2]|1:4: expected ',' or ']'",
        "\"\\x\"|1:3: invalid escape \\x",
        "\"\\u12zz\"|1:3: \\u must be followed by four hex digits",
        "|1:1: unexpected end of input, expected a value",
    })
    void rejectsMalformedJsonNamingSourceLineAndColumn(String text, String expected) {
        String json = text == null ? "" : text.replace("\\n", "\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JsonParser.parse(json, "cfg.json"));
        String where = expected.substring(0, expected.indexOf(": "));
        String what = expected.substring(expected.indexOf(": ") + 2);
        assertTrue(e.getMessage().startsWith("cfg.json:" + where + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(what), e.getMessage());
    }

    @Test
    void rejectsControlCharactersInsideStrings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JsonParser.parse("\"a\tb\"", "c.json"));
        assertTrue(e.getMessage().contains("control character U+0009"), e.getMessage());
    }

    @Test
    void rejectsNestingDeeperThanTheLimitInsteadOfOverflowingTheStack() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonParser.parse(deep, "d"));
        assertTrue(e.getMessage().contains("nesting deeper than 64"), e.getMessage());
        assertInstanceOf(JsonArray.class, JsonParser.parse("[".repeat(64) + "]".repeat(64), "d"));
    }
}
