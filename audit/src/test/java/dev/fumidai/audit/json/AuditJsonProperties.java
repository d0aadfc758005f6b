// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fumidai.audit.Actor;
import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.EventHeader;
import dev.fumidai.audit.Origin;
import dev.fumidai.audit.testing.SampleEvents;
import dev.fumidai.testing.Gens;
import dev.fumidai.testing.PropertyCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Round trips of the JSON form and of RFC 8785 canonicalisation over random content. */
class AuditJsonProperties {

    private final AuditJsonEncoder encoder = new AuditJsonEncoder(Redaction.keep());

    /** Non-blank strings of 1 to 20 characters of any kind (jqwik's {@code strings().all()}). */
    static Gen<String> text() {
        return Gens.strings(Gens.anyChar(), 1, 20).assuming(s -> !s.isBlank());
    }

    private static AuditEvent event(int type, long seq, String actorId, String host, String session) {
        EventHeader base = SampleEvents.header("jh-p", seq);
        EventHeader h = new EventHeader(base.eventId(), "jh-p", seq, base.time(),
                new Actor(actorId, host, List.of(session), null, Boolean.TRUE), new Origin(host, "app", 1, "0.1"),
                session);
        return SampleEvents.sample(type, h);
    }

    @Test
    void decodingThenEncodingGivesTheSameJson() {
        PropertyCheck.forAll(300, Gens.ints(0, 20), Gens.longs(0, 1L << 53), text(), text(), text(),
                this::decodingThenEncodingGivesTheSameJson);
    }

    private void decodingThenEncodingGivesTheSameJson(int type, long seq, String actorId, String host,
            String session) throws IOException {
        AuditEvent e = event(type, seq, actorId, host, session);
        ChainStamp stamp = ChainStamp.plain("jh-p", seq);
        byte[] json = encoder.encode(e, stamp);
        byte[] again = encoder.encode(AuditJsonDecoder.decode(json), stamp);
        assertEquals(new String(json, StandardCharsets.UTF_8), new String(again, StandardCharsets.UTF_8));
    }

    @Test
    void canonicalFormIsAFixedPointAndIgnoresMemberOrder() {
        PropertyCheck.forAll(300, Gens.ints(0, 20), text(), text(),
                this::canonicalFormIsAFixedPointAndIgnoresMemberOrder);
    }

    private void canonicalFormIsAFixedPointAndIgnoresMemberOrder(int type, String actorId, String session)
            throws IOException {
        byte[] json = encoder.encode(event(type, 7, actorId, "h", session), ChainStamp.plain("jh-p", 7));
        byte[] canonical = CanonicalJson.canonicalize(json);
        assertArrayEquals(canonical, CanonicalJson.canonicalize(canonical));
        @SuppressWarnings("unchecked")
        Map<String, Object> tree = (Map<String, Object>) JsonTree.parse(json);
        java.util.List<String> keys = new java.util.ArrayList<>(tree.keySet());
        java.util.Collections.reverse(keys);
        Map<String, Object> reversed = new java.util.LinkedHashMap<>();
        keys.forEach(k -> reversed.put(k, tree.get(k)));
        assertArrayEquals(canonical, CanonicalJson.toBytes(reversed));
    }

    @Test
    void numbersRoundTripThroughTheirEcmaScriptForm() {
        PropertyCheck.forAll(1000, Gens.doubles(), AuditJsonProperties::numbersRoundTripThroughTheirEcmaScriptForm);
    }

    private static void numbersRoundTripThroughTheirEcmaScriptForm(double d) throws IOException {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return;
        }
        String s = CanonicalJson.formatNumber(d);
        Object back = JsonTree.parse(s);
        double parsed = back instanceof Long l ? l.doubleValue() : back instanceof Double x ? x
                : ((java.math.BigInteger) back).doubleValue();
        assertEquals(d == 0 ? 0.0 : d, parsed == 0 ? 0.0 : parsed);
        assertEquals(s, CanonicalJson.formatNumber(parsed));
    }
}
