package geodesic.train.experiment;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A value read by {@link JsonParser}, with the 1-based line it starts on so that configuration errors can point
 * at it. Objects keep their members in file order.
 */
sealed interface JsonValue {

    /** The line of the value's first character. */
    int line();

    /** {@code "object"}, {@code "array"}, {@code "string"}, {@code "number"}, {@code "boolean"} or {@code "null"}. */
    String typeName();

    record JsonObject(Map<String, JsonValue> members, int line) implements JsonValue {
        public JsonObject {
            members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }

        @Override
        public String typeName() {
            return "object";
        }
    }

    record JsonArray(List<JsonValue> elements, int line) implements JsonValue {
        public JsonArray {
            elements = List.copyOf(elements);
        }

        @Override
        public String typeName() {
            return "array";
        }
    }

    record JsonString(String value, int line) implements JsonValue {
        @Override
        public String typeName() {
            return "string";
        }
    }

    /** A number exactly as written, so that {@code 3} and {@code 3.5} can be told apart. */
    record JsonNumber(BigDecimal value, int line) implements JsonValue {
        @Override
        public String typeName() {
            return "number";
        }
    }

    record JsonBoolean(boolean value, int line) implements JsonValue {
        @Override
        public String typeName() {
            return "boolean";
        }
    }

    record JsonNull(int line) implements JsonValue {
        @Override
        public String typeName() {
            return "null";
        }
    }
}
