// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Decodes JSON text into a generic tree for the verifier and the canonicaliser: objects become
 * {@code Map<String, Object>} (insertion-ordered, unmodifiable), arrays {@code List<Object>}, strings
 * {@link String}, integers {@link Long} (or {@link java.math.BigInteger} beyond 64 bits), other numbers
 * {@link Double}, {@code true}/{@code false} {@link Boolean}, and {@code null} Java {@code null}.
 *
 * <p>Duplicate member names are rejected (RFC 8785 §3.1 requires I-JSON, RFC 7493 §2.3), as is trailing
 * content after the value: a record that two readers could read differently is not a record.
 *
 * <h2>Threading</h2>
 * Stateless; safe from any thread.
 */
public final class JsonTree {

    /** Is the nesting limit: an audit event nests four levels deep; anything far deeper is not ours. */
    public static final int MAX_DEPTH = 32;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private JsonTree() {
    }

    /**
     * Parses UTF-8 JSON text; the literal {@code null} gives {@code null}.
     *
     * @throws IOException if it is not one well-formed JSON value
     */
    public static @Nullable Object parse(byte[] utf8) throws IOException {
        return parse(utf8, 0, utf8.length);
    }

    /** Parses UTF-8 JSON text from a slice. @throws IOException if it is not one well-formed JSON value */
    public static @Nullable Object parse(byte[] utf8, int offset, int length) throws IOException {
        try (JsonParser p = FACTORY.createParser(utf8, offset, length)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new IOException("empty JSON text");
            }
            Object value = read(p, first);
            if (p.nextToken() != null) {
                throw new IOException("trailing content after the JSON value at " + p.currentLocation());
            }
            return value;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("malformed JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Parses JSON text. @throws IOException if it is not one well-formed JSON value */
    public static @Nullable Object parse(String text) throws IOException {
        return parse(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Parses JSON text that must be an object. @throws IOException if it is not */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(byte[] utf8, int offset, int length) throws IOException {
        Object v = parse(utf8, offset, length);
        if (!(v instanceof Map)) {
            throw new IOException("expected a JSON object");
        }
        return (Map<String, Object>) v;
    }

    private static @Nullable Object read(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                JsonToken k;
                while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    map.put(name, read(p, p.nextToken()));
                }
                if (k != JsonToken.END_OBJECT) {
                    throw new IOException("unterminated object");
                }
                return Collections.unmodifiableMap(map);
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (e == null) {
                        throw new IOException("unterminated array");
                    }
                    list.add(read(p, e));
                }
                return Collections.unmodifiableList(list);
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT:
                    case LONG:
                        return p.getLongValue();
                    default:
                        return p.getBigIntegerValue();
                }
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected token " + t);
        }
    }

    /** Returns the string member {@code name} of an object, or {@code null} if absent or not a string. */
    public static @Nullable String string(Map<String, Object> object, String name) {
        Object v = object.get(name);
        return v instanceof String s ? s : null;
    }

    /** Returns the integer member {@code name} of an object, or {@code null} if absent or not an integer. */
    public static @Nullable Long integer(Map<String, Object> object, String name) {
        Object v = object.get(name);
        return v instanceof Long l ? l : null;
    }

    /** Returns the object member {@code name} of an object, or {@code null} if absent or not an object. */
    @SuppressWarnings("unchecked")
    public static @Nullable Map<String, Object> object(Map<String, Object> object, String name) {
        Object v = object.get(name);
        return v instanceof Map ? (Map<String, Object>) v : null;
    }
}
