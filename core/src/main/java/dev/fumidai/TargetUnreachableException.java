package dev.fumidai;

/** Reports that the last hop could not open a stream to the target (refused, prohibited, unknown host). */
public class TargetUnreachableException extends TunnelException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception; see {@link TunnelException#TunnelException(String, String, Throwable)}. */
    public TargetUnreachableException(String where, String what, Throwable cause) {
        super(where, what, cause);
    }
}
