// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm;

import dev.fumidai.JumpHost;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Opens one tunnel through {@code ssm://<target>?profile=<profile>} and echoes a line through it, run in a child
 * JVM by {@link SsmProfileCredentialsTest} so that the AWS environment (HOME, AWS_CONFIG_FILE,
 * AWS_ENDPOINT_URL_*) is the child's own, as a user's shell would set it. Prints {@code OK} on success.
 */
public final class CredentialProbe {

    private CredentialProbe() {
    }

    /**
     * Runs the probe: args are the route URI, the echo port on 127.0.0.1 and optionally {@code resume} (echo
     * once more after a line on stdin).
     */
    public static void main(String[] args) throws Exception {
        java.util.List<String> identities = new java.util.concurrent.CopyOnWriteArrayList<>();
        dev.fumidai.audit.AuditSink sink = new dev.fumidai.audit.AuditSink() {
            @Override
            public String name() {
                return "probe";
            }

            @Override
            public dev.fumidai.audit.AuditPolicy policy() {
                return dev.fumidai.audit.AuditPolicy.FAIL_CLOSED;
            }

            @Override
            public void accept(dev.fumidai.audit.AuditEvent event) {
                if (event instanceof dev.fumidai.audit.HopConnected) {
                    dev.fumidai.audit.Credential c = ((dev.fumidai.audit.HopConnected) event).credential();
                    if (c != null && c.aws() != null) {
                        identities.add(c.aws().arn() + " " + c.aws().accessKeyId());
                    }
                }
            }

            @Override
            public void close() {
            }
        };
        try (JumpHost jh = JumpHost.builder().route(Route.parse(args[0])).auditSink(sink).actor("probe").build();
                TunnelConnection c = jh.connect(Target.of("127.0.0.1", Integer.parseInt(args[1])),
                        Duration.ofSeconds(60))) {
            byte[] hello = "hello through ssm\n".getBytes(StandardCharsets.US_ASCII);
            c.outputStream().write(hello);
            c.outputStream().flush();
            InputStream in = c.inputStream();
            byte[] back = in.readNBytes(hello.length);
            if (!java.util.Arrays.equals(hello, back)) {
                System.out.println("MISMATCH");
                System.exit(3);
            }
            System.out.println("OK");
            System.out.flush();
            if (args.length > 2 && "resume".equals(args[2])) {
                // The parent expires the credentials and breaks the websocket, then says go on.
                new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.US_ASCII))
                        .readLine();
                c.outputStream().write(hello);
                c.outputStream().flush();
                if (!java.util.Arrays.equals(hello, in.readNBytes(hello.length))) {
                    System.out.println("MISMATCH AFTER RESUME");
                    System.exit(4);
                }
                System.out.println("OK AFTER RESUME");
            }
        }
        for (String id : identities) {
            System.out.println("IDENTITY " + id); // the credential.aws field of the hop.connect record
        }
        System.exit(0);
    }
}
