// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.TunnelException;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.ssh.internal.kex.KexAlgorithms;
import dev.fumidai.testing.Gens;
import dev.fumidai.testing.PropertyCheck;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Checks the transport state machine against a server that injects one arbitrary message at an arbitrary
 * point of the handshake: the client either completes the handshake or fails with a typed exception naming
 * the hop and closes; no payload ever reaches the upper layer before the service is accepted.
 */
class SshTransportProperties {

    static final SshTransportConfig CONFIG = SshTransportConfig.builder()
            .kexAlgorithms(List.of(KexAlgorithms.CURVE25519_SHA256)).build();

    @Test
    void anInjectedMessageEndsInSuccessOrATypedFailure() {
        PropertyCheck.forAll(150, Gens.ints(0, 4), Gens.ints(1, 255), Gens.bytes(0, 40), Gens.booleans(),
                this::anInjectedMessageEndsInSuccessOrATypedFailure);
    }

    private void anInjectedMessageEndsInSuccessOrATypedFailure(int point, int type, byte[] body,
            boolean strict) throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.strict = strict;
            Runnable inject = () -> s.send(Unpooled.buffer().writeByte(type).writeBytes(body));
            try {
                s.sendVersion();
                if (point == 0) {
                    inject.run();
                }
                byte[] is = s.sendKexInit(s.kexInit(strict, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
                if (point == 1) {
                    inject.run();
                }
                byte[] ic = s.readClientKexInit();
                s.replyAndSendNewKeys(ic, is, point == 2 ? inject : null);
                if (point == 3) {
                    inject.run();
                }
                s.expectClientNewKeys();
                if (point == 4) {
                    inject.run();
                }
                s.expectServiceRequestAndAccept();
            } catch (AssertionError | Exception scriptStopped) {
                // The client stopped answering: it must have failed, checked below.
            }
            s.pump();
            if (s.ready.isSuccess()) {
                assertTrue(s.client.isOpen());
            } else {
                TunnelException e = assertInstanceOf(TunnelException.class, s.failure(), "typed failure");
                assertTrue(e.getMessage().startsWith("ssh hop \"scripted\" 127.0.0.1:22: "), e.getMessage());
                assertFalse(s.client.isOpen(), "closed after failure");
            }
            assertTrue(s.upperLayer.stream().noneMatch(o -> o instanceof byte[]), "no payload passed up");
        }
    }
}
