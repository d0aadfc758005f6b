// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.agent;

import dev.fumidai.ssh.internal.keys.InvalidSshKeyException;
import dev.fumidai.ssh.internal.keys.KeyAlgorithms;
import dev.fumidai.ssh.internal.keys.SshPublicKey;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to an SSH agent over its Unix domain socket ({@code SSH_AUTH_SOCK}) with the JDK's Unix domain
 * socket channels (Java 16+, no native library): lists identities and asks for signatures
 * (draft-miller-ssh-agent §4.4, §4.5). Each call opens its own connection, so the private key never leaves
 * the agent and no state is shared.
 *
 * <h2>Threading</h2>
 * Thread-safe. Calls block on socket I/O: never call them on a Netty event loop.
 *
 * <h2>Failure</h2>
 * {@link SshAgentException} when the socket cannot be reached, the agent does not answer within the client's
 * timeout ({@link #DEFAULT_TIMEOUT} unless given), the agent answers {@code SSH_AGENT_FAILURE}
 * (for example because the user declined a confirmation), or an answer is malformed or larger than
 * {@link #MAX_MESSAGE_LENGTH}. Identities whose key type this library cannot parse are skipped.
 */
public final class SshAgentClient {

    private static final Logger LOG = LoggerFactory.getLogger(SshAgentClient.class);

    /** Bound on an agent message, as OpenSSH's {@code AGENT_MAX_LEN} (256 KiB). */
    public static final int MAX_MESSAGE_LENGTH = 256 * 1024;

    static final int SSH_AGENT_FAILURE = 5;
    static final int SSH_AGENTC_REQUEST_IDENTITIES = 11;
    static final int SSH_AGENT_IDENTITIES_ANSWER = 12;
    static final int SSH_AGENTC_SIGN_REQUEST = 13;
    static final int SSH_AGENT_SIGN_RESPONSE = 14;
    /** Sign-request flag asking for {@code rsa-sha2-256} (draft-miller-ssh-agent §4.5.1). */
    static final int SSH_AGENT_RSA_SHA2_256 = 2;
    /** Sign-request flag asking for {@code rsa-sha2-512}. */
    static final int SSH_AGENT_RSA_SHA2_512 = 4;

    /**
     * Bounds one call (connect, request, answer) by default: long enough for an agent that asks its user to
     * confirm a signature ({@code ssh-add -c}), short enough that a hung agent does not hold authentication
     * until the handshake timeout.
     */
    public static final java.time.Duration DEFAULT_TIMEOUT = java.time.Duration.ofSeconds(30);

    private final Path socket;
    private final java.time.Duration timeout;

    private SshAgentClient(Path socket, java.time.Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    /** Creates a client for the agent listening on a socket path, each call bounded by {@link #DEFAULT_TIMEOUT}. */
    public static SshAgentClient of(Path socket) {
        return new SshAgentClient(socket, DEFAULT_TIMEOUT);
    }

    /** Creates a client for the agent listening on a socket path, each call bounded by {@code timeout}. */
    public static SshAgentClient of(Path socket, java.time.Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("agent timeout must be positive: " + timeout);
        }
        return new SshAgentClient(socket, timeout);
    }

    /**
     * Creates a client for the agent named by the {@code SSH_AUTH_SOCK} environment variable.
     *
     * @throws SshAgentException if the variable is not set
     */
    public static SshAgentClient fromEnvironment() throws SshAgentException {
        String path = System.getenv("SSH_AUTH_SOCK");
        if (path == null || path.isEmpty()) {
            throw new SshAgentException("SSH_AUTH_SOCK is not set: no SSH agent to use");
        }
        return of(Path.of(path));
    }

    /** Returns the socket path. */
    public Path socket() {
        return socket;
    }

    /** Lists the keys and certificates the agent holds, in the agent's order. */
    public List<AgentIdentity> identities() throws SshAgentException {
        byte[] answer = call(new byte[] {SSH_AGENTC_REQUEST_IDENTITIES}, "list identities");
        Reader r = new Reader(answer);
        int type = r.readByte();
        if (type != SSH_AGENT_IDENTITIES_ANSWER) {
            throw unexpected(type, "list identities");
        }
        long count = r.readUint32();
        if (count > MAX_MESSAGE_LENGTH / 8) {
            throw new SshAgentException("agent at " + socket + " claims " + count + " identities");
        }
        List<AgentIdentity> identities = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            byte[] blob = r.readString();
            String comment = new String(r.readString(), StandardCharsets.UTF_8);
            try {
                identities.add(new AgentIdentity(SshPublicKeys.parse(blob), comment));
            } catch (InvalidSshKeyException e) {
                LOG.debug("agent identity skipped: {}", e.getMessage());
            }
        }
        r.requireEnd("identities answer");
        return identities;
    }

    /**
     * Asks the agent to sign data with one of its keys and returns the SSH signature blob.
     *
     * @param key the key or certificate as listed by {@link #identities()}
     * @param signatureAlgorithm the algorithm wanted; for RSA keys {@code rsa-sha2-256}/{@code rsa-sha2-512}
     *     set the request flags, certificate forms sign with their plain algorithm
     * @throws SshAgentException if the agent refuses or answers with another algorithm than asked
     */
    public byte[] sign(SshPublicKey key, String signatureAlgorithm, byte[] data) throws SshAgentException {
        String algorithm = KeyAlgorithms.signatureAlgorithmOf(signatureAlgorithm);
        int flags = switch (algorithm) {
            case KeyAlgorithms.RSA_SHA2_256 -> SSH_AGENT_RSA_SHA2_256;
            case KeyAlgorithms.RSA_SHA2_512 -> SSH_AGENT_RSA_SHA2_512;
            default -> 0;
        };
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(request)) {
            out.writeByte(SSH_AGENTC_SIGN_REQUEST);
            byte[] blob = key.encoded();
            out.writeInt(blob.length);
            out.write(blob);
            out.writeInt(data.length);
            out.write(data);
            out.writeInt(flags);
        } catch (IOException e) {
            throw new SshAgentException("cannot encode sign request", e);
        }
        String what = "sign with " + key.keyType() + " " + key.fingerprint();
        byte[] answer = call(request.toByteArray(), what);
        Reader r = new Reader(answer);
        int type = r.readByte();
        if (type != SSH_AGENT_SIGN_RESPONSE) {
            throw unexpected(type, what);
        }
        byte[] signature = r.readString();
        r.requireEnd("sign response");
        String returned = new Reader(signature).readAsciiOrNull();
        if (!algorithm.equals(returned)) {
            throw new SshAgentException("agent at " + socket + " signed with " + returned + " instead of " + algorithm);
        }
        return signature;
    }

    private SshAgentException unexpected(int type, String what) {
        return type == SSH_AGENT_FAILURE
                ? new SshAgentException("agent at " + socket + " refused to " + what)
                : new SshAgentException("agent at " + socket + " answered message type " + type + " to " + what);
    }

    /**
     * Sends one framed request ({@code uint32 length, byte type, ...}) and reads one framed answer, the whole call
     * bounded by the timeout: the channel is non-blocking and every wait goes through a selector with the time
     * left (JDK socket channels have no read timeout of their own).
     */
    private byte[] call(byte[] request, String what) throws SshAgentException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open()) {
            // A Unix socket connects at once or fails; only reads and writes can wait on the agent.
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, 0);
            ByteBuffer out = ByteBuffer.allocate(4 + request.length);
            out.putInt(request.length).put(request).flip();
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    await(selector, key, SelectionKey.OP_WRITE, deadline, what);
                }
            }
            ByteBuffer header = readFully(channel, selector, key, ByteBuffer.allocate(4), deadline, what);
            int length = header.flip().getInt();
            if (length <= 0 || length > MAX_MESSAGE_LENGTH) {
                throw new SshAgentException("agent at " + socket + " sent a message of " + Integer.toUnsignedString(length)
                        + " bytes (limit " + MAX_MESSAGE_LENGTH + ") to " + what);
            }
            return readFully(channel, selector, key, ByteBuffer.allocate(length), deadline, what).array();
        } catch (SshAgentException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new SshAgentException("cannot " + what + " via agent at " + socket + ": " + e, e);
        }
    }

    private ByteBuffer readFully(SocketChannel channel, Selector selector, SelectionKey key, ByteBuffer buffer,
            long deadline, String what) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer);
            if (n < 0) {
                throw new SshAgentException("agent at " + socket + " closed the connection during " + what);
            }
            if (n == 0) {
                await(selector, key, SelectionKey.OP_READ, deadline, what);
            }
        }
        return buffer;
    }

    /** Waits until the channel is ready for {@code op}, failing once the call's deadline has passed. */
    private void await(Selector selector, SelectionKey key, int op, long deadline, String what) throws IOException {
        key.interestOps(op);
        while (true) {
            long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (leftMillis <= 0) {
                throw new SshAgentException("agent at " + socket + " did not answer within " + timeout.toMillis()
                        + " ms to " + what);
            }
            selector.selectedKeys().clear();
            if (selector.select(leftMillis) > 0 && key.isValid() && (key.readyOps() & op) != 0) {
                key.interestOps(0);
                return;
            }
        }
    }

    /** Reads agent message fields with every length checked against what is left. */
    private final class Reader {
        private final ByteBuffer buffer;

        Reader(byte[] data) {
            this.buffer = ByteBuffer.wrap(data);
        }

        int readByte() throws SshAgentException {
            need(1);
            return buffer.get() & 0xff;
        }

        long readUint32() throws SshAgentException {
            need(4);
            return buffer.getInt() & 0xffffffffL;
        }

        byte[] readString() throws SshAgentException {
            long length = readUint32();
            need(length);
            byte[] out = new byte[(int) length];
            buffer.get(out);
            return out;
        }

        String readAsciiOrNull() {
            try {
                return new String(readString(), StandardCharsets.US_ASCII);
            } catch (SshAgentException e) {
                return null;
            }
        }

        void requireEnd(String what) throws SshAgentException {
            if (buffer.hasRemaining()) {
                throw new SshAgentException("agent at " + socket + " sent " + buffer.remaining()
                        + " trailing bytes in the " + what);
            }
        }

        private void need(long count) throws SshAgentException {
            if (count > buffer.remaining()) {
                throw new SshAgentException("agent at " + socket + " sent a truncated message");
            }
        }
    }

    @Override
    public String toString() {
        return "SshAgentClient[" + socket + "]";
    }
}
