// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Checks the canonicaliser against the examples of RFC 8785 (§3.2.2, §3.2.3 and Appendix B). */
class CanonicalJsonTest {

    private static String canon(String json) throws IOException {
        return new String(CanonicalJson.canonicalize(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    /** RFC 8785 §3.2.2: the "Sample Input" and its canonical output. */
    @Test
    void rfc8785Section322Example() throws IOException {
        String input = "{\n"
                + "  \"numbers\": [333333333.33333329, 1E30, 4.50,\n"
                + "              2e-3, 0.000000000000000000000000001],\n"
                + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
                + "  \"literals\": [null, true, false]\n"
                + "}";
        String expected = "{\"literals\":[null,true,false],"
                + "\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
        assertEquals(expected, canon(input));
    }

    /** RFC 8785 §3.2.3: members sorted by UTF-16 code units, recursively. */
    @Test
    void rfc8785Section323SortingExample() throws IOException {
        String input = "{\n"
                + "  \"\\u20ac\": \"Euro Sign\",\n"
                + "  \"\\r\": \"Carriage Return\",\n"
                + "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n"
                + "  \"1\": \"One\",\n"
                + "  \"\\ud83d\\ude00\": \"Emoji: Grinning Face\",\n"
                + "  \"\\u0080\": \"Control\",\n"
                + "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"\n"
                + "}";
        String expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}";
        assertEquals(expected, canon(input));
        assertEquals("{\"a\":{\"b\":1,\"c\":[{\"d\":2,\"e\":3}]}}", canon("{\"a\":{\"c\":[{\"e\":3,\"d\":2}],\"b\":1}}"));
    }

    /** RFC 8785 Appendix B: IEEE 754 bit patterns and their ECMAScript serialisation. */
    @Test
    void rfc8785AppendixBNumbers() {
        Map<Long, String> samples = new java.util.LinkedHashMap<>();
        samples.put(0x0000000000000000L, "0");
        samples.put(0x8000000000000000L, "0");
        samples.put(0x0000000000000001L, "5e-324");
        samples.put(0x8000000000000001L, "-5e-324");
        samples.put(0x7fefffffffffffffL, "1.7976931348623157e+308");
        samples.put(0xffefffffffffffffL, "-1.7976931348623157e+308");
        samples.put(0x4340000000000000L, "9007199254740992");
        samples.put(0xc340000000000000L, "-9007199254740992");
        samples.put(0x4430000000000000L, "295147905179352830000");
        samples.put(0x44b52d02c7e14af5L, "9.999999999999997e+22");
        samples.put(0x44b52d02c7e14af6L, "1e+23");
        samples.put(0x44b52d02c7e14af7L, "1.0000000000000001e+23");
        samples.put(0x444b1ae4d6e2ef4eL, "999999999999999700000");
        samples.put(0x444b1ae4d6e2ef4fL, "999999999999999900000");
        samples.put(0x444b1ae4d6e2ef50L, "1e+21");
        samples.put(0x3eb0c6f7a0b5ed8cL, "9.999999999999997e-7");
        samples.put(0x3eb0c6f7a0b5ed8dL, "0.000001");
        samples.put(0x41b3de4355555553L, "333333333.3333332");
        samples.put(0x41b3de4355555554L, "333333333.33333325");
        samples.put(0x41b3de4355555555L, "333333333.3333333");
        samples.put(0x41b3de4355555556L, "333333333.3333334");
        samples.put(0x41b3de4355555557L, "333333333.33333343");
        samples.put(0xbecbf647612f3696L, "-0.0000033333333333333333");
        samples.put(0x43143ff3c1cb0959L, "1424953923781206.2");
        samples.forEach((bits, expected) ->
                assertEquals(expected, CanonicalJson.formatNumber(Double.longBitsToDouble(bits)),
                        Long.toHexString(bits)));
        // NaN and the infinities (the rest of Appendix B) must be rejected
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.formatNumber(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.formatNumber(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.formatNumber(Double.NEGATIVE_INFINITY));
    }

    @Test
    void integersWeEmitArePlainDecimals() throws IOException {
        assertEquals("[0,1,-1,4182,9007199254740992,10000000000000000000,1e+21]", canon("[0,1,-1,4182,9007199254740992,10000000000000000000,1000000000000000000000]"));
        assertEquals(List.of(9223372036854775807L), JsonTree.parse("[9223372036854775807]"));
    }

    @Test
    void controlsAreEscapedInLowerCaseHexAndOthersLiteral() {
        assertEquals("\"\\u0000\\u001f\\b\\t\\n\\f\\r\u007f\u2028\"",
                CanonicalJson.toString("\u0000\u001f\b\t\n\f\r\u007f\u2028"));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.toString("\ud800"));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.toString("a\udc00"));
    }
}
