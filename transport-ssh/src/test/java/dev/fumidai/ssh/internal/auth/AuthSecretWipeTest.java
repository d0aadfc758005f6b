// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssh.KeyboardInteractiveCallback;
import dev.fumidai.ssh.PasswordCallback;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Promise;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Checks that a password and keyboard-interactive answers do not outlive their request (issue 10 item 10): the
 * memory of the buffer that carried them holds only zeros once the buffer is released, and answers given as
 * character arrays are zeroed. The channel allocates from a pooled heap allocator, so that a buffer that goes
 * back to its pool unwiped is seen: the test keeps the buffer's backing array and reads it after the release.
 */
class AuthSecretWipeTest {

    private static final String SECRET = "hunter2-correct-horse";

    EmbeddedChannel channel;
    Promise<AuthAttempt> result;

    void start(PasswordCallback password, KeyboardInteractiveCallback kbd) {
        channel = new EmbeddedChannel();
        channel.config().setAllocator(new PooledByteBufAllocator(false));
        result = channel.eventLoop().newPromise();
        UserAuthConfig config = new UserAuthConfig("alice", List.of(), password, kbd, true, Runnable::run);
        channel.pipeline().addLast(new SshUserAuthHandler(config, SshUserAuthHandlerTest.READY, "ssh hop \"s\" h:22",
                a -> { }, result));
        ByteBuf none = channel.readOutbound();
        none.release();
    }

    @AfterEach
    void finish() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    void serverSends(int number, ByteBuf body) {
        ByteBuf b = Unpooled.buffer().writeByte(number);
        b.writeBytes(body);
        body.release();
        channel.writeInbound(b);
        channel.runPendingTasks();
    }

    /**
     * Takes the next request, checks that it carries the secret, releases it as the packet codec does after
     * sealing, and checks that the memory it occupied is all zeros.
     */
    void assertWipedAfterRelease(ByteBuf request) {
        assertNotNull(request, "no request sent");
        assertTrue(request.hasArray(), "a heap buffer");
        byte[] memory = request.array();
        int from = request.arrayOffset();
        int to = from + request.writerIndex();
        byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
        assertTrue(indexOf(memory, from, to, secret) >= 0, "the request carries the secret");
        assertTrue(request.release());
        for (int i = from; i < to; i++) {
            assertEquals(0, memory[i], "byte " + (i - from) + " of the released request is not zero");
        }
    }

    @Test
    void thePasswordRequestIsZeroedWhenReleased() {
        char[] given = SECRET.toCharArray();
        start((user, hop) -> given, null);
        serverSends(51, SshUserAuthHandlerTest.failure("password"));
        assertWipedAfterRelease(channel.readOutbound());
        assertTrue(new String(given).chars().allMatch(c -> c == 0), "the password array is zeroed");
    }

    @Test
    void aLongPasswordThatGrowsTheBufferLeavesNoCopyBehind() {
        // Longer than the first allocation, so the request buffer grows while the password is written.
        String longSecret = SECRET.repeat(40);
        start((user, hop) -> longSecret.toCharArray(), null);
        serverSends(51, SshUserAuthHandlerTest.failure("password"));
        ByteBuf request = channel.readOutbound();
        assertTrue(request.writerIndex() > 256, "the request outgrew 256 bytes");
        assertWipedAfterRelease(request);
    }

    @Test
    @SuppressWarnings("deprecation")
    void keyboardInteractiveAnswersGivenAsStringsAreZeroedInTheBuffer() {
        start(null, (hop, name, instruction, prompts) -> List.of(SECRET));
        askOnePrompt();
        assertWipedAfterRelease(channel.readOutbound());
    }

    @Test
    void keyboardInteractiveAnswersGivenAsCharArraysAreZeroedThemselves() {
        List<char[]> handedOut = new ArrayList<>();
        start(null, KeyboardInteractiveCallback.ofChars((hop, name, instruction, prompts) -> {
            char[] a = SECRET.toCharArray();
            handedOut.add(a);
            return List.of(a);
        }));
        askOnePrompt();
        assertWipedAfterRelease(channel.readOutbound());
        assertEquals(1, handedOut.size());
        char[] zeros = new char[SECRET.length()];
        assertTrue(Arrays.equals(zeros, handedOut.get(0)), "the answer array is zeroed");
    }

    @Test
    @SuppressWarnings("deprecation")
    void theOldStringMethodStillWorksForCallbacksMadeFromCharArrays() throws Exception {
        KeyboardInteractiveCallback cb = KeyboardInteractiveCallback.ofChars((hop, name, instruction, prompts) ->
                List.of(SECRET.toCharArray()));
        assertEquals(List.of(SECRET), cb.answers("h", "", "", List.of(new KeyboardInteractiveCallback.Prompt("p",
                false))));
    }

    private void askOnePrompt() {
        serverSends(51, SshUserAuthHandlerTest.failure("keyboard-interactive"));
        ByteBuf kbdRequest = channel.readOutbound();
        kbdRequest.release();
        ByteBuf info = Unpooled.buffer();
        SshWire.writeString(info, "");
        SshWire.writeString(info, "");
        SshWire.writeString(info, "");
        info.writeInt(1);
        SshWire.writeString(info, "Verification code: ");
        SshWire.writeBoolean(info, false);
        serverSends(60, info);
    }

    private static int indexOf(byte[] hay, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
