// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

/** Lists the machine-readable reasons of the {@code reason} field (audit schema §1.3, modelled on Boundary's). */
public enum ReasonCode {
    CLOSED_BY_CLIENT("closed_by_client"),
    CLOSED_BY_SERVER("closed_by_server"),
    CLOSED_BY_APPLICATION("closed_by_application"),
    IDLE_TIMEOUT("idle_timeout"),
    MAX_DURATION("max_duration"),
    NETWORK_ERROR("network_error"),
    CONNECT_FAILED("connect_failed"),
    HANDSHAKE_FAILED("handshake_failed"),
    AUTH_FAILED("auth_failed"),
    TARGET_UNREACHABLE("target_unreachable"),
    TIMEOUT("timeout"),
    POLICY("policy"),
    LIMIT("limit"),
    HOSTKEY_MISMATCH("hostkey_mismatch"),
    HOSTKEY_UNKNOWN("hostkey_unknown"),
    /** The host key, its certified key or its CA is revoked ({@code @revoked}, a KRL or a revoked-keys file). */
    HOSTKEY_REVOKED("hostkey_revoked"),
    /** A host certificate is invalid: expired, wrong principal, CA not trusted for the host, bad CA signature. */
    HOSTKEY_CERT_INVALID("hostkey_cert_invalid"),
    /** The server's signature over the exchange hash did not verify with the host key it presented. */
    HOSTKEY_BAD_SIGNATURE("hostkey_bad_signature"),
    /** The host-key verifier failed (threw, or could not read its files); outcome {@code error}. */
    HOSTKEY_VERIFIER_ERROR("hostkey_verifier_error"),
    /** The host-key verifier returned no verdict; outcome {@code error}. */
    HOSTKEY_NO_VERDICT("hostkey_no_verdict"),
    AUDIT_FAILURE("audit_failure"),
    SHUTDOWN("shutdown"),
    QUEUE_OVERFLOW("queue_overflow"),
    SINK_FAILURE("sink_failure"),
    INTERNAL_ERROR("internal_error");

    private final String wireName;

    ReasonCode(String wireName) {
        this.wireName = wireName;
    }

    /** Returns the name written in the {@code reason} field. */
    public String wireName() {
        return wireName;
    }
}
