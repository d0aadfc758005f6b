// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the small JSON documents of the data channel as plain Java values: {@code Map} (insertion
 * ordered), {@code List}, {@code String}, {@code Long} or {@code Double}, {@code Boolean} and {@code null}.
 *
 * <p>Parsing is bounded: nesting depth {@value #MAX_DEPTH}, strings {@value #MAX_STRING} characters, and the
 * input is limited by the frame size the caller accepted.
 *
 * <h2>Threading</h2>
 * Thread-safe.
 */
public final class Json {

    /** Is the deepest nesting accepted; the handshake properties are a flat object (§2.6). */
    public static final int MAX_DEPTH = 32;
    /** Is the longest string accepted, in characters. */
    public static final int MAX_STRING = 1 << 20;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_STRING)
                    .maxNumberLength(64)
                    .build())
            .build();

    private Json() {
    }

    /**
     * Parses a JSON document whose top level is an object.
     *
     * @throws MalformedMessageException naming {@code what} when the bytes are not such a document
     */
    public static Map<String, Object> parseObject(byte[] json, String what) throws MalformedMessageException {
        try (JsonParser p = FACTORY.createParser(json)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                throw new MalformedMessageException(what + " is not a JSON object");
            }
            Map<String, Object> result = readObject(p);
            if (p.nextToken() != null) {
                throw new MalformedMessageException(what + " has data after the JSON object");
            }
            return result;
        } catch (MalformedMessageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new MalformedMessageException(what + " is not valid JSON: " + e.getClass().getSimpleName(), e);
        }
    }

    /** Writes a value tree as compact JSON in UTF-8. */
    public static byte[] write(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writeValue(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Returns a string member, or {@code null} when absent or JSON null. */
    public static String string(Map<String, Object> object, String name, String what)
            throws MalformedMessageException {
        Object v = object.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String)) {
            throw new MalformedMessageException(what + "." + name + " is not a string");
        }
        return (String) v;
    }

    /** Returns an integer member, or {@code dflt} when absent or JSON null. */
    public static long integer(Map<String, Object> object, String name, long dflt, String what)
            throws MalformedMessageException {
        Object v = object.get(name);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Long)) {
            throw new MalformedMessageException(what + "." + name + " is not an integer");
        }
        return (Long) v;
    }

    /** Returns an object member, or {@code null} when absent or JSON null. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Map<String, Object> object, String name, String what)
            throws MalformedMessageException {
        Object v = object.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map)) {
            throw new MalformedMessageException(what + "." + name + " is not an object");
        }
        return (Map<String, Object>) v;
    }

    /** Returns an array member, or an empty list when absent or JSON null. */
    @SuppressWarnings("unchecked")
    public static List<Object> array(Map<String, Object> object, String name, String what)
            throws MalformedMessageException {
        Object v = object.get(name);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List)) {
            throw new MalformedMessageException(what + "." + name + " is not an array");
        }
        return (List<Object>) v;
    }

    private static Map<String, Object> readObject(JsonParser p) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            map.put(name, readValue(p));
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IOException("unterminated object");
        }
        return map;
    }

    private static Object readValue(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            throw new IOException("unexpected end of input");
        }
        switch (t) {
            case START_OBJECT:
                return readObject(p);
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(readValue(p));
                }
                return list;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getLongValue();
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

    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String) {
            g.writeString((String) v);
        } else if (v instanceof Long || v instanceof Integer) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number) {
            g.writeNumber(((Number) v).doubleValue());
        } else if (v instanceof Boolean) {
            g.writeBoolean((Boolean) v);
        } else if (v instanceof Map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List) {
            g.writeStartArray();
            for (Object o : (List<?>) v) {
                writeValue(g, o);
            }
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
        }
    }
}
