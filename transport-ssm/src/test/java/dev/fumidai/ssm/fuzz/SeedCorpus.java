// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.fuzz;

import dev.fumidai.ssm.internal.datachannel.AcknowledgeContent;
import dev.fumidai.ssm.internal.datachannel.ChannelClosedContent;
import dev.fumidai.ssm.internal.datachannel.ClientMessage;
import dev.fumidai.ssm.internal.datachannel.ClientMessageCodec;
import dev.fumidai.ssm.internal.datachannel.HandshakeCompletePayload;
import dev.fumidai.ssm.internal.datachannel.HandshakeRequestPayload;
import dev.fumidai.ssm.internal.datachannel.HandshakeResponsePayload;
import dev.fumidai.ssm.internal.datachannel.MessageTypes;
import dev.fumidai.ssm.internal.datachannel.PayloadTypes;
import dev.fumidai.ssm.internal.mux.SmuxFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes the committed seed corpus of this package's fuzz targets from the project's own encoders:
 * {@code java -cp <test classpath> dev.fumidai.ssm.fuzz.SeedCorpus} from the module directory, into
 * {@code src/test/resources/dev/fumidai/ssm/fuzz/<Class>Inputs/<method>/} (Jazzer's regression-mode layout).
 */
public final class SeedCorpus {

    static final Path OUT = Path.of("src", "test", "resources", "dev", "fumidai", "ssm", "fuzz");

    private SeedCorpus() {
    }

    static void write(String target, String name, byte[] data) throws IOException {
        Path dir = Files.createDirectories(OUT.resolve(target));
        Files.write(dir.resolve(name), data);
    }

    static Map<String, byte[]> payloads() {
        HandshakeRequestPayload request = HandshakeRequestPayload.sessionType("3.3.1142.0", "Port",
                Map.of("portNumber", "22", "type", "LocalPortForwarding"));
        HandshakeResponsePayload response = new HandshakeResponsePayload("1.2.677.0", List.of(
                new HandshakeResponsePayload.ProcessedClientAction("SessionType", 1, null, "")), List.of());
        return Map.of("handshake-request", request.toJson(), "handshake-response", response.toJson(),
                "handshake-complete", new HandshakeCompletePayload(12_345_678L, "hello").toJson(),
                "acknowledge", new AcknowledgeContent(MessageTypes.OUTPUT_STREAM_DATA,
                        "0e7f0b1e-7c52-4a5c-9b0e-0f0e0d0c0b0a", 7, true).toJson(),
                "channel-closed", new ChannelClosedContent("m", "2024-01-01T00:00:00Z", "d", "s-1",
                        "Session idle timeout").toJson());
    }

    public static void main(String[] args) throws IOException {
        UUID id = UUID.fromString("6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b");
        Map<String, byte[]> payloads = payloads();
        for (Map.Entry<String, byte[]> p : payloads.entrySet()) {
            write("SsmJsonFuzzTestInputs/parse", p.getKey(), p.getValue());
        }
        List<ClientMessage> messages = List.of(
                new ClientMessage(MessageTypes.OUTPUT_STREAM_DATA, 1, 1_700_000_000_000L, 0, ClientMessage.FLAGS_SYN,
                        id, PayloadTypes.HANDSHAKE_REQUEST, payloads.get("handshake-request")),
                new ClientMessage(MessageTypes.INPUT_STREAM_DATA, 1, 1_700_000_000_001L, 0, 0, id,
                        PayloadTypes.HANDSHAKE_RESPONSE, payloads.get("handshake-response")),
                new ClientMessage(MessageTypes.OUTPUT_STREAM_DATA, 1, 1_700_000_000_002L, 1, 0, id,
                        PayloadTypes.HANDSHAKE_COMPLETE, payloads.get("handshake-complete")),
                new ClientMessage(MessageTypes.ACKNOWLEDGE, 1, 1_700_000_000_003L, 0, ClientMessage.FLAGS_ACK, id,
                        PayloadTypes.NONE, payloads.get("acknowledge")),
                new ClientMessage(MessageTypes.CHANNEL_CLOSED, 1, 1_700_000_000_004L, 0, 0, id, PayloadTypes.NONE,
                        payloads.get("channel-closed")),
                new ClientMessage(MessageTypes.OUTPUT_STREAM_DATA, 1, 1_700_000_000_005L, 2, 0, id,
                        PayloadTypes.OUTPUT, "SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII)),
                new ClientMessage(MessageTypes.START_PUBLICATION, 1, 1_700_000_000_006L, 0, 0, id,
                        PayloadTypes.NONE, new byte[0]));
        int i = 0;
        for (ClientMessage m : messages) {
            write("SsmFrameFuzzTestInputs/decode", String.format("%02d-%s-%d", i++, m.messageType(),
                    m.payloadType()), ClientMessageCodec.encode(m));
        }
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.write(0); // read size: 1 byte at a time
        for (SmuxFrame f : List.of(new SmuxFrame(1, SmuxFrame.CMD_SYN, 3, new byte[0]),
                new SmuxFrame(1, SmuxFrame.CMD_PSH, 3, "hello through smux".getBytes(StandardCharsets.US_ASCII)),
                new SmuxFrame(2, SmuxFrame.CMD_UPD, 3, new byte[] {0, 0, 0, 0, 0, 0, 4, 0}),
                new SmuxFrame(1, SmuxFrame.CMD_NOP, 0, new byte[0]),
                new SmuxFrame(1, SmuxFrame.CMD_FIN, 3, new byte[0]))) {
            stream.writeBytes(f.encode());
        }
        byte[] frames = stream.toByteArray();
        write("SmuxFrameFuzzTestInputs/decode", "syn-psh-upd-nop-fin-bytewise", frames);
        frames[0] = (byte) 255;
        write("SmuxFrameFuzzTestInputs/decode", "syn-psh-upd-nop-fin-whole", frames);
        byte[] partial = java.util.Arrays.copyOf(frames, frames.length - 3);
        partial[0] = 7;
        write("SmuxFrameFuzzTestInputs/decode", "trailing-partial-frame", partial);
    }
}
