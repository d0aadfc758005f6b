// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.HopDisconnectedException;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.ssh.internal.kex.KexAlgorithms;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.WriteBufferWaterMark;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Checks key re-exchange on the client transport against the scripted server: triggers and held writes. */
class SshTransportRekeyTest {

    static final SshTransportConfig CONFIG = SshTransportConfig.builder()
            .kexAlgorithms(List.of(KexAlgorithms.CURVE25519_SHA256)).build();

    /** Runs the handshake and a fake USERAUTH_SUCCESS, after which the client may start rekeys itself. */
    static ScriptedServer established(SshTransportConfig config) throws Exception {
        ScriptedServer s = new ScriptedServer(config);
        s.handshake(true);
        s.authenticate();
        assertTrue(s.ready.isSuccess(), () -> String.valueOf(s.ready.cause()));
        return s;
    }

    static ByteBuf channelData(int i, int size) {
        return Unpooled.buffer().writeByte(94).writeInt(i).writeZero(size);
    }

    /** Completes a rekey the server started or answered: its KEXINIT was sent, the client's is read. */
    static void finishRekey(ScriptedServer s, byte[] serverKexInit, byte[] clientKexInit) throws Exception {
        s.replyAndSendNewKeys(clientKexInit, serverKexInit, null);
        s.expectClientNewKeys();
    }

    @Test
    void writesDuringARekeyAreHeldBackAndSentInOrderAfterNewKeys() throws Exception {
        try (ScriptedServer s = established(CONFIG)) {
            byte[] is = s.sendKexInit(s.kexInit(true, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            byte[] ic = s.readClientKexInit();
            List<ChannelFuture> writes = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                writes.add(s.client.writeAndFlush(channelData(i, 100)));
            }
            s.pump();
            assertEquals(1, s.server.inboundMessages().size(), "only the kex INIT while the exchange runs");
            ByteBuf init = (ByteBuf) s.server.inboundMessages().peek();
            assertEquals(30, init.getUnsignedByte(init.readerIndex()));
            assertFalse(writes.get(0).isDone());
            finishRekey(s, is, ic);
            for (int i = 0; i < 100; i++) {
                ByteBuf b = s.nextFromClient();
                assertEquals(94, b.readUnsignedByte());
                assertEquals(i, b.readInt(), "in order, none lost");
                b.release();
            }
            assertTrue(writes.stream().allMatch(ChannelFuture::isSuccess));
        }
    }

    /**
     * Writes as the connection layer does in production: through the channel's writability, one payload at a
     * time, with the promise {@code SshConnection.write} passes (until issue #10 a void promise, whose failure
     * beyond the hold cap tore the whole connection down). Held-back bytes must make the channel unwritable long
     * before the cap, and the connection must survive the exchange with every byte delivered in order.
     */
    @Test
    void heldWritesCountTowardWritabilitySoWritersStopBeforeTheBound() throws Exception {
        try (ScriptedServer s = established(CONFIG.toBuilder().maxPendingWriteBytes(64 * 1024).build())) {
            s.client.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8 * 1024, 16 * 1024));
            byte[] is = s.sendKexInit(s.kexInit(true, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            byte[] ic = s.readClientKexInit();
            int written = 0;
            while (s.client.isWritable() && written < 200) {
                s.client.write(channelData(written++, 1000), s.client.voidPromise());
                s.client.flush();
            }
            int count = written;
            assertTrue(s.client.isOpen(), () -> "the connection survived; failure: " + s.failure());
            assertFalse(s.client.isWritable(), "held-back bytes made the channel unwritable");
            assertTrue(count < 64, () -> count + " KB written before the channel turned unwritable");
            finishRekey(s, is, ic);
            s.client.runPendingTasks();
            for (int i = 0; i < count; i++) {
                ByteBuf b = s.nextFromClient();
                assertEquals(94, b.readUnsignedByte());
                assertEquals(i, b.readInt(), "in order, none lost");
                b.release();
            }
            assertTrue(s.client.isWritable(), "writable again once the held-back writes went out");
        }
    }

    @Test
    void aHeldWriteBeyondTheBoundFailsOnlyItsOwnPromise() throws Exception {
        try (ScriptedServer s = established(CONFIG.toBuilder().maxPendingWriteBytes(1000).build())) {
            byte[] is = s.sendKexInit(s.kexInit(true, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            byte[] ic = s.readClientKexInit();
            ChannelFuture first = s.client.writeAndFlush(channelData(1, 600));
            ChannelFuture second = s.client.writeAndFlush(channelData(2, 600));
            assertInstanceOf(HopDisconnectedException.class, second.cause());
            finishRekey(s, is, ic);
            ByteBuf b = s.nextFromClient();
            assertEquals(94, b.readUnsignedByte());
            assertEquals(1, b.readInt());
            b.release();
            assertTrue(first.isSuccess());
            assertTrue(s.client.isOpen());
        }
    }

    @Test
    void rekeysAfterTheByteLimit() throws Exception {
        try (ScriptedServer s = established(CONFIG.toBuilder().rekeyBytes(16 * 1024).build())) {
            boolean sawKexInit = false;
            for (int i = 0; i < 40 && !sawKexInit; i++) {
                s.client.writeAndFlush(channelData(i, 1024));
                ByteBuf b;
                while ((b = s.nextFromClient()) != null) {
                    sawKexInit |= b.getUnsignedByte(b.readerIndex()) == 20;
                    b.release();
                }
            }
            assertTrue(sawKexInit, "client started a key re-exchange after 16 KiB");
        }
    }

    @Test
    void theByteLimitCountsEachDirectionOnItsOwn() throws Exception {
        try (ScriptedServer s = established(CONFIG.toBuilder().rekeyBytes(16 * 1024).build())) {
            int kexInits = 0;
            for (int i = 0; i < 12; i++) {
                s.client.writeAndFlush(channelData(i, 1024));
                s.sendMessage(2, new byte[1024]); // SSH_MSG_IGNORE toward the client
                ByteBuf b;
                while ((b = s.nextFromClient()) != null) {
                    kexInits += b.getUnsignedByte(b.readerIndex()) == 20 ? 1 : 0;
                    b.release();
                }
            }
            assertEquals(0, kexInits, "24 KiB in both directions together, 12 KiB each: under the 16 KiB limit");
            for (int i = 12; i < 20 && kexInits == 0; i++) {
                s.client.writeAndFlush(channelData(i, 1024));
                ByteBuf b;
                while ((b = s.nextFromClient()) != null) {
                    kexInits += b.getUnsignedByte(b.readerIndex()) == 20 ? 1 : 0;
                    b.release();
                }
            }
            assertEquals(1, kexInits, "KEXINIT once one direction passed 16 KiB");
        }
    }

    @Test
    void withoutAConfiguredLimitTheCipherDecidesLikeOpenSsh() {
        assertEquals(Long.MAX_VALUE, SshTransportConfig.defaults().rekeyBytes());
        assertEquals(64L << 30, SshTransportHandler.cipherRekeyBytes("aes128-gcm@openssh.com"));
        assertEquals(64L << 30, SshTransportHandler.cipherRekeyBytes("aes256-ctr"));
        assertEquals(1L << 30, SshTransportHandler.cipherRekeyBytes("chacha20-poly1305@openssh.com"));
    }

    @Test
    void rekeysAfterThePacketLimit() throws Exception {
        try (ScriptedServer s = established(CONFIG.toBuilder().rekeyPackets(10).build())) {
            int sent = 0;
            int last = -1;
            while (last != 20 && sent < 20) {
                s.client.writeAndFlush(channelData(sent++, 1));
                ByteBuf b;
                while ((b = s.nextFromClient()) != null) {
                    last = b.getUnsignedByte(b.readerIndex());
                    b.release();
                }
            }
            assertEquals(20, last, "KEXINIT");
            assertTrue(sent <= 10, "within the packet limit, after " + sent + " packets");
        }
    }

    @Test
    void rekeysAfterTheTimeLimitButNotBeforeAuthentication() throws Exception {
        SshTransportConfig config = CONFIG.toBuilder().rekeyInterval(Duration.ofMinutes(1)).build();
        try (ScriptedServer s = new ScriptedServer(config)) {
            s.handshake(true);
            s.client.advanceTimeBy(61, TimeUnit.SECONDS);
            s.client.runScheduledPendingTasks();
            assertEquals(-1, s.nextNumberFromClient(), "no rekey before USERAUTH_SUCCESS");
            s.authenticate();
            s.client.advanceTimeBy(61, TimeUnit.SECONDS);
            s.client.runScheduledPendingTasks();
            assertEquals(20, s.nextNumberFromClient(), "KEXINIT after the interval");
        }
    }

    @Test
    void strictKexResetsSequenceNumbersOnEveryNewKeys() throws Exception {
        try (ScriptedServer s = established(CONFIG)) {
            SshPacketCodec codec = (SshPacketCodec) s.client.pipeline().get(PipelineNames.PACKET_CODEC);
            for (int i = 0; i < 5; i++) {
                s.client.writeAndFlush(channelData(i, 10));
            }
            s.pump();
            for (int i = 0; i < 5; i++) {
                s.server.<ByteBuf>readInbound().release();
            }
            assertEquals(6, codec.outboundSequence(), "SERVICE_REQUEST and 5 packets since the first NEWKEYS");
            byte[] is = s.sendKexInit(s.kexInit(true, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            byte[] ic = s.readClientKexInit();
            finishRekey(s, is, ic);
            assertEquals(0, codec.outboundSequence(), "reset after our NEWKEYS");
            assertEquals(0, codec.inboundSequence(), "reset after the server's NEWKEYS");
        }
    }
}
