// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.json.AuditJsonDecoder;
import dev.fumidai.audit.json.AuditJsonEncoder;
import dev.fumidai.audit.json.ChainStamp;
import dev.fumidai.audit.json.Redaction;
import java.io.IOException;

/**
 * Feeds arbitrary bytes to {@link AuditJsonDecoder#decode(byte[])}, which the spool uses to read back what it
 * stored. Contract: an event or {@link IOException} ("not a well-formed record of a known type"); a decoded event
 * encodes (with a plain stamp of its own stream and seq, as the spool does) to JSON that decodes to an equal event
 * and encodes to the same bytes.
 */
class AuditJsonDecoderFuzzTest {

    static final AuditJsonEncoder ENCODER = new AuditJsonEncoder(Redaction.keep());

    @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
    void decode(byte[] json) throws Exception {
        AuditEvent event;
        try {
            event = AuditJsonDecoder.decode(json);
        } catch (IOException e) {
            return;
        }
        ChainStamp stamp = ChainStamp.plain(event.header().emitterId(), event.header().emitterSeq());
        byte[] once = ENCODER.encode(event, stamp);
        AuditEvent again = AuditJsonDecoder.decode(once);
        assertEquals(event, again);
        assertArrayEquals(once, ENCODER.encode(again, stamp));
    }
}
