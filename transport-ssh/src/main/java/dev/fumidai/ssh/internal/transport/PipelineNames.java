// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

/**
 * Names the handlers of an SSH client pipeline, in pipeline order (head to tail). Upper layers (user
 * authentication, connection) are added after {@link #TRANSPORT}.
 */
public final class PipelineNames {

    /** Acknowledges the server's data at once while an answer is due ({@link PromptAcks}); socket channels only. */
    public static final String PROMPT_ACKS = "ssh-prompt-acks";
    /** Exchanges version lines (RFC 4253 §4.2), then removes itself. */
    public static final String VERSION_EXCHANGE = "ssh-version-exchange";
    /** Frames, encrypts and authenticates binary packets (RFC 4253 §6). */
    public static final String PACKET_CODEC = "ssh-packet-codec";
    /** Runs key exchange, rekeys, handles transport messages, requests the ssh-userauth service. */
    public static final String TRANSPORT = "ssh-transport";
    /** User authentication (RFC 4252); added by the next layer. */
    public static final String USERAUTH = "ssh-userauth";
    /** Connection protocol (RFC 4254); added by the next layer. */
    public static final String CONNECTION = "ssh-connection";

    private PipelineNames() {
    }
}
