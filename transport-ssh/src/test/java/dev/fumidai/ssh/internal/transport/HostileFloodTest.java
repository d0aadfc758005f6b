// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.HopDisconnectedException;
import dev.fumidai.HopHandshakeException;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.ssh.internal.kex.KexAlgorithms;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue #10, must hold 1 (security-checklist F4, R28): a hostile server cannot grow our memory by streaming
 * small packets that each earn a reply while it never reads. The peer sends up to 1,000,000 such packets, as a
 * TCP sender would: only while the client reads ({@code autoRead}), since a client that stops reading stops the
 * sender once the socket buffers are full. What the client queued toward the peer must stay under 8 MiB, and the
 * client must end up closed with a typed error or not reading. Before this class's fix the client stayed open and
 * kept reading after 1,000,000 packets (its close waited for a DISCONNECT the peer never reads). The same flood
 * after the key exchange and authentication (encrypted, where no noise cap applies) is held by the read pause
 * of {@code SshTransportHandler.limitQueuedReplies}.
 */
class HostileFloodTest {

    static final int PACKETS = 1_000_000;
    static final long BOUND = 8L << 20;
    static final SshTransportConfig CONFIG = SshTransportConfig.builder()
            .kexAlgorithms(List.of(KexAlgorithms.CURVE25519_SHA256)).build();

    /** A client channel whose socket the peer never drains while {@link #stalled}: writes stay queued. */
    static final class StalledChannel extends EmbeddedChannel {
        boolean stalled;

        @Override
        protected void doWrite(ChannelOutboundBuffer in) throws Exception {
            if (!stalled) {
                super.doWrite(in);
            }
        }

        long queuedTowardThePeer() {
            ChannelOutboundBuffer out = unsafe().outboundBuffer();
            long n = out == null ? 0 : out.totalPendingWriteBytes();
            for (Object o : outboundMessages()) {
                n += ((ByteBuf) o).readableBytes();
            }
            return n;
        }
    }

    /** Unknown transport messages during the initial key exchange, before any key is verified. */
    @Test
    void unknownMessagesBeforeTheFirstNewKeysCannotQueueUnboundedReplies() throws Exception {
        StalledChannel client = new StalledChannel();
        try (ScriptedServer s = new ScriptedServer(CONFIG, ScriptedServer.acceptAll(), client)) {
            s.maxPiece = 64 * 1024;
            s.sendVersion();
            s.sendKexInit(s.kexInit(false, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            client.stalled = true;
            int sent = 0;
            long max = 0;
            while (sent < PACKETS && client.isOpen() && client.config().isAutoRead() && max <= 2 * BOUND) {
                ByteBuf batch = Unpooled.buffer(16 * 4096);
                for (int i = 0; i < 4096 && sent < PACKETS; i++, sent++) {
                    // A none-cipher packet: length 12, padding 10, message 15 (unassigned transport number).
                    batch.writeInt(12).writeByte(10).writeByte(15).writeZero(10);
                }
                s.raw(batch);
                max = Math.max(max, client.queuedTowardThePeer());
            }
            long peak = max;
            int count = sent;
            assertTrue(peak < BOUND, () -> peak + " bytes queued toward the peer after " + count + " packets");
            // The flood ends the connection (the noise cap) or stops our reading; a failed connection closes
            // even though the peer never reads the DISCONNECT, instead of staying open and reading on.
            assertTrue(!client.isOpen() || !client.config().isAutoRead(),
                    () -> "still open and reading after " + count + " packets");
            if (!client.isOpen()) {
                assertInstanceOf(HopHandshakeException.class, s.ready.cause(), "a typed error");
                assertTrue(s.ready.cause().getMessage().contains("scripted"), s.ready.cause().getMessage());
            }
        }
    }

    /**
     * PINGs after NEWKEYS and USERAUTH_SUCCESS, encrypted, each earning a PONG of the same size (OpenSSH
     * {@code PROTOCOL} §1.9) while the peer never reads: in this phase there is no noise cap, so only the read
     * pause (or the pending-bytes cap) of {@code SshTransportHandler.limitQueuedReplies} bounds what the client
     * queues. Measured as the bytes in the channel's outbound buffer plus what it handed to the socket model (the
     * transport's hold-back queue is empty outside a key exchange). PINGs of 4 KiB rather than tiny packets: every
     * reply held costs the test's paranoid leak detector a few stack traces, and tiny replies past 8 MiB (tens
     * of thousands of them) exhaust the test's heap before the bound is reached, as they did with the pause
     * disabled. With the pause disabled this test fails at 8 MiB queued.
     */
    @Test
    void pingsAfterTheKeyExchangeCannotQueueUnboundedReplies() throws Exception {
        StalledChannel client = new StalledChannel();
        try (ScriptedServer s = new ScriptedServer(CONFIG, ScriptedServer.acceptAll(), client)) {
            try {
                floodWithPings(s, client);
            } finally {
                // A close waits for our DISCONNECT to be written: let the socket model drain, or the replies still
                // queued would never be released when the test fails.
                client.stalled = false;
            }
        }
    }

    private static void floodWithPings(ScriptedServer s, StalledChannel client) throws Exception {
        SshTransportHandlerTest.authenticated(s); // EXT_INFO offers ping@openssh.com
        s.authenticate(); // USERAUTH_SUCCESS, as the user-auth layer judges it: PINGs are answered from now on
        assertTrue(s.ready.isSuccess(), () -> "handshake: " + s.ready.cause());
        s.maxPiece = 64 * 1024;
        client.stalled = true;
        byte[] data = new byte[4096];
        int sent = 0;
        long max = 0;
        while (sent < PACKETS && client.isOpen() && client.config().isAutoRead() && max < BOUND) {
            for (int i = 0; i < 16; i++, sent++) {
                s.serverWriteOnly(b -> {
                    b.writeByte(SshTransportHandler.PING);
                    dev.fumidai.ssh.internal.message.SshWire.writeString(b, data);
                });
            }
            s.flushServerOutput();
            max = Math.max(max, client.queuedTowardThePeer());
        }
        long peak = max;
        int count = sent;
        assertTrue(peak < BOUND, () -> peak + " bytes queued toward the peer after " + count + " PINGs");
        assertTrue(!client.isOpen() || !client.config().isAutoRead(),
                () -> "still open and reading after " + count + " PINGs, " + peak + " bytes queued");
        if (!client.isOpen()) {
            Throwable failure = s.upperLayer.stream().filter(Throwable.class::isInstance)
                    .map(Throwable.class::cast).findFirst()
                    .orElseThrow(() -> new AssertionError("closed without a typed error"));
            assertInstanceOf(HopDisconnectedException.class, failure, "a typed error");
            assertTrue(failure.getMessage().contains("scripted"), failure.getMessage());
        } else {
            // Paused, not failed: once the peer reads again, the replies drain and reading resumes.
            client.stalled = false;
            client.flush();
            s.pump();
            assertTrue(client.config().isAutoRead(), "reading resumed once the queued replies drained");
            int pongs = 0;
            ByteBuf b;
            while ((b = s.server.readInbound()) != null) {
                pongs += b.getUnsignedByte(b.readerIndex()) == SshTransportHandler.PONG ? 1 : 0;
                b.release();
            }
            assertEquals(count, pongs, "every PING got its PONG once the peer read again");
        }
    }
}
