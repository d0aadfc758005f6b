// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import java.io.Closeable;
import java.net.InetSocketAddress;

/**
 * Is a local SOCKS proxy whose every CONNECT is relayed through the route to the target the client named, as
 * {@code ssh -D} does. It speaks SOCKS5 (RFC 1928; IPv4, IPv6 and domain-name targets, optionally with RFC 1929
 * user/password) and SOCKS4/4a. A domain name is never resolved locally: it goes to the last hop as the target's
 * host, and the hop resolves it.
 *
 * <h2>Replies</h2>
 * Only CONNECT is served. A refused request gets the RFC 1928 §6 reply code that says why:
 * <table>
 *   <caption>SOCKS5 reply codes</caption>
 *   <tr><th>code</th><th>when</th></tr>
 *   <tr><td>0x00</td><td>the stream is open</td></tr>
 *   <tr><td>0x01 general failure</td><td>a hop failed its handshake or authentication, the target is not a valid
 *       host and port (port 0), or any other failure</td></tr>
 *   <tr><td>0x02 not allowed by ruleset</td><td>the last hop prohibits the target
 *       ({@link TargetUnreachableException.Refusal#PROHIBITED}), or a fail-closed audit sink is failing</td></tr>
 *   <tr><td>0x04 host unreachable</td><td>a hop of the route is unreachable, disconnected or timed out
 *       ({@link HopUnreachableException}, {@link HopDisconnectedException}, {@link TunnelTimeoutException}), or the
 *       last hop could not reach the target for a reason it did not give</td></tr>
 *   <tr><td>0x05 connection refused</td><td>the last hop tried and failed to connect
 *       ({@link TargetUnreachableException.Refusal#CONNECT_FAILED}: refused, unknown name)</td></tr>
 *   <tr><td>0x07 command not supported</td><td>BIND or UDP ASSOCIATE</td></tr>
 *   <tr><td>0x08 address type not supported</td><td>an address type other than IPv4, IPv6 or domain name</td></tr>
 * </table>
 * SOCKS4 replies 0x5A (granted) or 0x5B (rejected or failed) for all of these. The connection is closed after a
 * refusal. A client that offers no acceptable method gets method 0xFF; wrong credentials get status 0x01.
 *
 * <h2>Audit</h2>
 * The listener is recorded as {@code forward.listen}/{@code forward.unlisten} with listener kind
 * {@code dynamic} and no target; every CONNECT as {@code forward.open} (success or failure) and
 * {@code forward.close} with the target the client asked for.
 *
 * <h2>Bounds</h2>
 * A client must finish its handshake within {@link ForwardOptions#handshakeTimeout()}; every field of a SOCKS
 * request is at most 255 bytes (the codec refuses longer SOCKS4 fields, SOCKS5 fields have a one-byte length).
 *
 * <h2>Closing</h2>
 * {@link #close()} stops accepting, then closes or drains the active connections as the {@link ForwardOptions}
 * say, and records {@code forward.unlisten}.
 */
public interface DynamicForward extends Closeable {

    /** Returns the bound TCP address. */
    InetSocketAddress localAddress();

    /** Returns the bound TCP port. */
    int localPort();

    /** Returns how many relayed connections (and handshakes in progress) are open now. */
    int activeConnections();

    /** Returns how many connections were accepted so far. */
    long acceptedConnections();

    /** Returns whether the listener still accepts. */
    boolean isOpen();

    /** Stops accepting and ends the active connections per the options; never throws. */
    @Override
    void close();
}
