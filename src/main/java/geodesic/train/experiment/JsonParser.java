package geodesic.train.experiment;

import geodesic.train.experiment.JsonValue.JsonArray;
import geodesic.train.experiment.JsonValue.JsonBoolean;
import geodesic.train.experiment.JsonValue.JsonNull;
import geodesic.train.experiment.JsonValue.JsonNumber;
import geodesic.train.experiment.JsonValue.JsonObject;
import geodesic.train.experiment.JsonValue.JsonString;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON (RFC 8259) reader for experiment configurations: no comments, no trailing commas, no {@code NaN},
 * no duplicate keys, nothing after the value. It exists so that the experiment runner needs no JSON library (the
 * library's dependencies stay those of training). Every error is an {@link IllegalArgumentException} naming the
 * source, line and column and what was expected.
 */
final class JsonParser {
    /** Deeper nesting than any configuration needs; the limit keeps a malicious file from exhausting the stack. */
    private static final int MAX_DEPTH = 64;

    private final String text;
    private final String source;
    private int pos;
    private int line = 1;
    private int lineStart;
    private int depth;

    private JsonParser(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /**
     * Parses one JSON value spanning all of {@code text} (surrounding whitespace allowed).
     *
     * @param source names the text in error messages, e.g. the file path
     * @throws IllegalArgumentException naming source, line, column and problem if {@code text} is not valid JSON
     */
    static JsonValue parse(String text, String source) {
        JsonParser p = new JsonParser(text, source);
        p.skipWhitespace();
        JsonValue value = p.value();
        p.skipWhitespace();
        if (p.pos < text.length()) {
            throw p.error("unexpected " + p.describeNext() + " after the end of the JSON value");
        }
        return value;
    }

    private JsonValue value() {
        if (pos >= text.length()) {
            throw error("unexpected end of input, expected a value");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> new JsonString(string(), line);
            case 't' -> literal("true", new JsonBoolean(true, line));
            case 'f' -> literal("false", new JsonBoolean(false, line));
            case 'n' -> literal("null", new JsonNull(line));
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected " + describeNext() + ", expected a value");
            }
        };
    }

    private JsonObject object() {
        int startLine = line;
        enter();
        pos++;
        Map<String, JsonValue> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return new JsonObject(members, startLine);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("unexpected " + describeNext() + ", expected a quoted member name");
            }
            int keyLine = line;
            int keyColumn = pos - lineStart + 1;
            String key = string();
            if (members.containsKey(key)) {
                throw new IllegalArgumentException(source + ":" + keyLine + ":" + keyColumn + ": member \"" + key
                        + "\" appears twice in the same object");
            }
            skipWhitespace();
            expect(':', "':' after member name \"" + key + "\"");
            skipWhitespace();
            members.put(key, value());
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
                skipWhitespace();
                if (peek() == '}') {
                    throw error("trailing comma before '}'");
                }
            } else if (c == '}') {
                pos++;
                depth--;
                return new JsonObject(members, startLine);
            } else {
                throw error("unexpected " + describeNext() + ", expected ',' or '}'");
            }
        }
    }

    private JsonArray array() {
        int startLine = line;
        enter();
        pos++;
        List<JsonValue> elements = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return new JsonArray(elements, startLine);
        }
        while (true) {
            skipWhitespace();
            elements.add(value());
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
                skipWhitespace();
                if (peek() == ']') {
                    throw error("trailing comma before ']'");
                }
            } else if (c == ']') {
                pos++;
                depth--;
                return new JsonArray(elements, startLine);
            } else {
                throw error("unexpected " + describeNext() + ", expected ',' or ']'");
            }
        }
    }

    private String string() {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("control character U+" + String.format("%04X", (int) c)
                        + " inside a string (write it as an escape such as \\n)");
            }
            if (c == '\\') {
                pos++;
                if (pos >= text.length()) {
                    throw error("unterminated string");
                }
                char e = text.charAt(pos);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 >= text.length()) {
                            throw error("incomplete \\u escape");
                        }
                        int code = 0;
                        for (int i = 1; i <= 4; i++) {
                            int digit = Character.digit(text.charAt(pos + i), 16);
                            if (digit < 0) {
                                throw error("\\u must be followed by four hex digits");
                            }
                            code = code * 16 + digit;
                        }
                        sb.append((char) code);
                        pos += 4;
                    }
                    default -> throw error("invalid escape \\" + e);
                }
                pos++;
            } else {
                sb.append(c);
                pos++;
            }
        }
    }

    private JsonNumber number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            digits();
        } else {
            throw error("'-' must be followed by a digit");
        }
        if (isDigit(peek())) {
            throw error("a number may not have leading zeros");
        }
        if (peek() == '.') {
            pos++;
            if (!isDigit(peek())) {
                throw error("a digit must follow the decimal point");
            }
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("a digit must follow the exponent");
            }
            digits();
        }
        return new JsonNumber(new BigDecimal(text.substring(start, pos)), line);
    }

    private void digits() {
        while (isDigit(peek())) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private JsonValue literal(String word, JsonValue value) {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected " + describeNext() + ", expected a value");
        }
        pos += word.length();
        return value;
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
    }

    private void expect(char c, String what) {
        if (peek() != c) {
            throw error("unexpected " + describeNext() + ", expected " + what);
        }
        pos++;
    }

    /** The next character, or {@code '\0'} at the end (never valid where it is compared). */
    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
                lineStart = pos + 1;
            } else if (c != ' ' && c != '\t' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private String describeNext() {
        if (pos >= text.length()) {
            return "end of input";
        }
        char c = text.charAt(pos);
        if (c == '/' && pos + 1 < text.length() && (text.charAt(pos + 1) == '/' || text.charAt(pos + 1) == '*')) {
            return "comment (JSON has none)";
        }
        return c < 0x20 ? "control character U+" + String.format("%04X", (int) c) : "'" + c + "'";
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException(source + ":" + line + ":" + (pos - lineStart + 1) + ": " + message);
    }
}
