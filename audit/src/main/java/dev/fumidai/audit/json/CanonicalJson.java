// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.json;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Serialises a {@link JsonTree} value in the JSON Canonicalization Scheme of RFC 8785 (JCS), the form the audit
 * hash chain and checkpoint signatures are computed over (audit schema §3).
 *
 * <ul>
 *   <li>No whitespace (RFC 8785 §3.2.1).</li>
 *   <li>Literals {@code null}, {@code true}, {@code false} as such (§3.2.2.1).</li>
 *   <li>Strings with the minimal escaping of §3.2.2.2: {@code \"}, {@code \\}, the short forms {@code \b \f \n \r
 *       \t}, other controls below U+0020 as <code>&#92;u00xx</code> in lower-case hex; everything else literal.
 *       Lone surrogates are rejected (I-JSON).</li>
 *   <li>Numbers as ECMAScript's {@code Number.prototype.toString} (§3.2.2.3): the shortest decimal that reads
 *       back to the same IEEE 754 double. Integers of magnitude up to 2<sup>53</sup> (everything this library
 *       emits) come out as plain decimals.</li>
 *   <li>Object members sorted by their names as arrays of UTF-16 code units (§3.2.3), which is
 *       {@link String#compareTo}.</li>
 *   <li>Output encoded in UTF-8 (§3.2.4).</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * Stateless; safe from any thread.
 */
public final class CanonicalJson {

    /** Is 2^53, the largest magnitude below which every integer is exactly a double (ECMA-262 Number). */
    private static final long MAX_EXACT = 1L << 53;

    private CanonicalJson() {
    }

    /** Returns the canonical UTF-8 bytes of a tree value. @throws IllegalArgumentException if not representable */
    public static byte[] toBytes(Object value) {
        return toString(value).getBytes(StandardCharsets.UTF_8);
    }

    /** Returns the canonical text of a tree value. @throws IllegalArgumentException if not representable */
    public static String toString(Object value) {
        StringBuilder sb = new StringBuilder(512);
        write(sb, value);
        return sb.toString();
    }

    /** Returns the canonical UTF-8 bytes of a JSON text. @throws java.io.IOException if it is not JSON */
    public static byte[] canonicalize(byte[] json) throws java.io.IOException {
        return toBytes(JsonTree.parse(json));
    }

    @SuppressWarnings("unchecked")
    private static void write(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Boolean b) {
            sb.append(b.booleanValue() ? "true" : "false");
        } else if (v instanceof String s) {
            writeString(sb, s);
        } else if (v instanceof Long l) {
            long x = l;
            if (x >= -MAX_EXACT && x <= MAX_EXACT) {
                sb.append(x);
            } else {
                sb.append(formatNumber((double) x));
            }
        } else if (v instanceof Integer i) {
            sb.append(i.intValue());
        } else if (v instanceof BigInteger bi) {
            sb.append(formatNumber(bi.doubleValue()));
        } else if (v instanceof Double d) {
            sb.append(formatNumber(d));
        } else if (v instanceof Map<?, ?> m) {
            List<String> keys = new ArrayList<>(((Map<String, Object>) m).keySet());
            Collections.sort(keys);
            sb.append('{');
            boolean first = true;
            for (String k : keys) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                writeString(sb, k);
                sb.append(':');
                write(sb, m.get(k));
            }
            sb.append('}');
        } else if (v instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(sb, list.get(i));
            }
            sb.append(']');
        } else {
            throw new IllegalArgumentException("not a JSON tree value: " + v.getClass().getName());
        }
    }

    private static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                            throw new IllegalArgumentException("lone surrogate at index " + i);
                        }
                        sb.append(c).append(s.charAt(++i));
                    } else if (Character.isLowSurrogate(c)) {
                        throw new IllegalArgumentException("lone surrogate at index " + i);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /**
     * Formats a double as ECMAScript's Number::toString does (ECMA-262 §6.1.6.1.20, RFC 8785 §3.2.2.3).
     *
     * @throws IllegalArgumentException for NaN and the infinities, which JSON cannot carry
     */
    public static String formatNumber(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("NaN and Infinity are not JSON numbers");
        }
        if (d == 0) {
            return "0"; // both +0 and -0
        }
        if (d < 0) {
            return "-" + formatNumber(-d);
        }
        // Shortest digit string s (k digits) and exponent n with s x 10^(n-k) reading back as d. Rounding the
        // exact binary value half-even to p digits gives the closest p-digit decimal, as the spec asks.
        // At a power of two the interval of decimals reading back as d is lopsided, so the nearest p-digit
        // decimal may miss it while its upper neighbour hits: try both neighbours too, keep the closest hit.
        BigDecimal exact = new BigDecimal(d);
        BigDecimal shortest = null;
        for (int p = 1; p <= 17 && shortest == null; p++) {
            BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            BigDecimal step = BigDecimal.ONE.movePointLeft(r.scale());
            for (BigDecimal c : new BigDecimal[] {r, r.subtract(step), r.add(step)}) {
                if (c.signum() > 0 && c.precision() <= p && c.doubleValue() == d
                        && (shortest == null
                                || c.subtract(exact).abs().compareTo(shortest.subtract(exact).abs()) < 0)) {
                    shortest = c;
                }
            }
        }
        if (shortest == null) {
            throw new IllegalStateException("17 digits always round-trip a double");
        }
        shortest = shortest.stripTrailingZeros();
        String s = shortest.unscaledValue().toString();
        int k = s.length();
        int n = k - shortest.scale();
        StringBuilder sb = new StringBuilder(24);
        if (k <= n && n <= 21) {
            sb.append(s);
            for (int i = 0; i < n - k; i++) {
                sb.append('0');
            }
        } else if (0 < n && n <= 21) {
            sb.append(s, 0, n).append('.').append(s, n, k);
        } else if (-6 < n && n <= 0) {
            sb.append("0.");
            for (int i = 0; i < -n; i++) {
                sb.append('0');
            }
            sb.append(s);
        } else {
            int e = n - 1;
            sb.append(s.charAt(0));
            if (k > 1) {
                sb.append('.').append(s, 1, k);
            }
            sb.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
        return sb.toString();
    }
}
