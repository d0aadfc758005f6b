// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.AuditUnavailableException;
import dev.fumidai.HopAuthenticationException;
import dev.fumidai.HopDisconnectedException;
import dev.fumidai.HopHandshakeException;
import dev.fumidai.HopHostKeyException;
import dev.fumidai.HopUnreachableException;
import dev.fumidai.TargetUnreachableException;
import dev.fumidai.TunnelException;
import dev.fumidai.TunnelTimeoutException;
import dev.fumidai.examples.cli.CliOptions.DynamicSpec;
import dev.fumidai.examples.cli.CliOptions.ForwardSpec;
import dev.fumidai.examples.cli.CliOptions.RemoteSpec;
import dev.fumidai.examples.cli.CliOptions.HostPort;
import dev.fumidai.examples.cli.CliOptions.UsageException;
import dev.fumidai.ssh.config.SshConfigException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Checks the command line parser flag by flag, its errors, the exit statuses and the help text. */
class CliOptionsTest {

    private static CliOptions parse(String... args) throws UsageException {
        return CliOptions.parse(args);
    }

    private static String usageError(String... args) {
        return assertThrows(UsageException.class, () -> CliOptions.parse(args)).getMessage();
    }

    @Test
    void everyFlagIsRead() throws Exception {
        CliOptions o = parse("-J", "ssh://ops@a:2201,b", "-L", "8080:db:5432", "-L", "0.0.0.0:0:[fd00::1]:22",
                "-F", "cfg", "-i", "k1", "-i", "k2", "-o", "Ciphers=aes128-ctr", "-o", "ConnectTimeout 5", "-p",
                "2222", "-l", "root", "-v", "-v", "--known-hosts", "kh1", "--known-hosts=kh2", "--audit-file", "ad",
                "--audit-key", "ak",
                "--actor=ci:job-1", "--connect-timeout", "7", "dest");
        assertEquals("ssh://ops@a:2201,b", o.jump());
        assertEquals(List.of(new ForwardSpec(null, 8080, new HostPort("db", 5432)),
                new ForwardSpec("0.0.0.0", 0, new HostPort("fd00::1", 22))), o.forwards());
        assertNull(o.stdio());
        assertEquals("cfg", o.configFile());
        assertEquals(List.of("k1", "k2"), o.identities());
        assertEquals(List.of("Ciphers=aes128-ctr", "ConnectTimeout=5"), o.options());
        assertEquals(2222, o.port());
        assertEquals("root", o.login());
        assertEquals(2, o.verbosity());
        assertEquals(List.of("kh1", "kh2"), o.knownHosts());
        assertEquals("ad", o.auditDir());
        assertEquals("ak", o.auditKey());
        assertEquals("ci:job-1", o.actor());
        assertEquals(7, o.connectTimeoutSeconds());
        assertFalse(o.help());
        assertEquals("dest", o.destination());
    }

    @Test
    void shortFlagsGroupAndTakeAttachedValues() throws Exception {
        CliOptions o = parse("-vvv", "-Jbastion", "-W[::1]:5432", "-p22", "-lops", "-oUser=x", "host");
        assertEquals(3, o.verbosity());
        assertEquals("bastion", o.jump());
        assertEquals(new HostPort("::1", 5432), o.stdio());
        assertEquals(22, o.port());
        assertEquals("ops", o.login());
        assertEquals(List.of("User=x"), o.options());
        CliOptions grouped = parse("-vW", "db:1", "-J", "b");
        assertEquals(1, grouped.verbosity());
        assertEquals(new HostPort("db", 1), grouped.stdio());
        assertEquals(-1, grouped.port());
        assertEquals(-1, grouped.connectTimeoutSeconds());
        assertNull(grouped.destination());
    }

    @Test
    void aBindAddressAndStarAreRead() throws Exception {
        assertEquals(new ForwardSpec("127.0.0.2", 1, new HostPort("h", 2)), CliOptions.forward("127.0.0.2:1:h:2"));
        assertEquals(new ForwardSpec("0.0.0.0", 1, new HostPort("h", 2)), CliOptions.forward("*:1:h:2"));
        assertEquals(new ForwardSpec("::1", 1, new HostPort("h", 2)), CliOptions.forward("[::1]:1:h:2"));
    }

    @Test
    void doubleDashEndsFlags() throws Exception {
        CliOptions o = parse("-W", "h:1", "--", "-strange-but-positional");
        assertEquals("-strange-but-positional", o.destination());
    }

    @Test
    void helpNeedsNothingElse() throws Exception {
        assertTrue(parse("--help").help());
        assertTrue(parse("-h").help());
        assertTrue(usageError("--help=yes").contains("--help takes no value"));
    }

    @Test
    void malformedCommandLinesAreRefusedWithAReason() {
        assertTrue(usageError("-W", "h:1", "-J", "b", "-x").contains("unknown flag -x"));
        assertTrue(usageError("-W", "h:1", "-J", "b", "--forward", "1").contains("unknown flag --forward"));
        assertTrue(usageError("-W", "h:1", "-J").contains("-J needs a value"));
        assertTrue(usageError("-W", "h:1", "-J", "b", "--actor").contains("--actor needs a value"));
        assertTrue(usageError("-W", "h:1", "-J", "").contains("non-empty"));
        assertTrue(usageError("-W", "h:1", "-J", "a", "-J", "b").contains("-J given twice"));
        assertTrue(usageError("-W", "h:1", "-W", "h:2", "-J", "b").contains("-W given twice"));
        assertTrue(usageError("-W", "h:1", "-p", "1", "-p", "2", "d").contains("-p given twice"));
        assertTrue(usageError("-W", "h:1", "-l", "a", "-l", "b", "d").contains("-l given twice"));
        assertTrue(usageError("-W", "h:1", "-F", "a", "-F", "b", "d").contains("-F given twice"));
        assertTrue(usageError("-W", "h:1", "--audit-file", "a", "--audit-file", "b", "d").contains("twice"));
        assertTrue(usageError("-W", "h", "-J", "b").contains("expected host:port"));
        assertTrue(usageError("-W", ":1", "-J", "b").contains("expected host:port"));
        assertTrue(usageError("-W", "h:0", "-J", "b").contains("out of range"));
        assertTrue(usageError("-W", "h:65536", "-J", "b").contains("out of range"));
        assertTrue(usageError("-W", "h:x", "-J", "b").contains("not a number"));
        assertTrue(usageError("-W", "[::1:5", "-J", "b").contains("unclosed"));
        assertTrue(usageError("-L", "1:h", "-J", "b").contains("[bind_address:]port:host:hostport"));
        assertTrue(usageError("-L", "a:b:c:d:e", "-J", "b").contains("[bind_address:]port:host:hostport"));
        assertTrue(usageError("-L", "1::2", "-J", "b").contains("empty target host"));
        assertTrue(usageError("-L", ":1:h:2", "-J", "b").contains("empty bind address"));
        assertTrue(usageError("-L", "70000:h:2", "-J", "b").contains("out of range"));
        assertTrue(usageError("-W", "h:1", "-J", "b", "-p", "0", "d").contains("out of range"));
        assertTrue(usageError("-W", "h:1", "-J", "b", "--connect-timeout", "0").contains("out of range"));
        assertTrue(usageError("-W", "h:1", "-J", "b", "-o", "NoValue").contains("expected Keyword=value"));
        assertTrue(usageError("-W", "h:1", "-J", "b", "-o", "=x").contains("expected Keyword=value"));
        assertTrue(usageError("-W", "h:1", "-J", "b", "-o", "Host=x").contains("not allowed"));
        assertTrue(usageError("-W", "h:1", "-J", "b", "-o", "Include=/etc/x").contains("not allowed"));
        assertTrue(usageError("-W", "h:1", "-J", "b", "-o", "User=a\nHost *").contains("line breaks"));
        assertTrue(usageError("-J", "b").contains("nothing to do"));
        assertTrue(usageError("-W", "h:1", "-J", "b", "--actor", "  ").contains("--actor must be printable"));
        assertTrue(usageError("-W", "h:1", "-J", "b", "--actor", "a\u0007").contains("--actor must be printable"));
        assertTrue(usageError("-W", "h:1", "-J", "b", "--audit-key", "k").contains("give --audit-file too"));
        assertTrue(usageError("-W", "h:1", "-L", "1:h:2", "-J", "b").contains("cannot be combined"));
        assertTrue(usageError("-W", "h:1").contains("no hop"));
        assertTrue(usageError("-W", "h:1", "-J", "b", "-p", "22").contains("-p applies to the destination"));
        assertTrue(usageError("-W", "h:1", "-J", "b", "-l", "u").contains("-l applies to the destination"));
        assertTrue(usageError("-W", "h:1", "a", "b").contains("unexpected argument \"b\""));
    }

    @Test
    void versionNoShellAndBatchModeAreRead() throws Exception {
        assertTrue(parse("--version").version());
        assertTrue(parse("-V").version());
        assertFalse(parse("-V").help());
        assertTrue(usageError("--version=1").contains("--version takes no value"));
        // -N is accepted anywhere a flag may stand, alone or grouped, and changes nothing.
        CliOptions n = parse("-N", "-NvW", "db:1", "-J", "b");
        assertEquals(new HostPort("db", 1), n.stdio());
        assertEquals(1, n.verbosity());
        assertEquals(parse("-vW", "db:1", "-J", "b"), n);
        CliOptions batch = parse("-o", "BatchMode=yes", "-o", "batchmode no", "-o", "User=x", "-W", "h:1", "-J", "b");
        assertTrue(batch.batchMode(), "first value wins, as in ssh");
        assertEquals(List.of("User=x"), batch.options(), "BatchMode is the command's, not an ssh_config line");
        assertFalse(parse("-oBatchMode=no", "-W", "h:1", "-J", "b").batchMode());
        assertFalse(parse("-W", "h:1", "-J", "b").batchMode());
        assertTrue(usageError("-o", "BatchMode=maybe", "-W", "h:1", "-J", "b").contains("yes or no"));
    }

    @Test
    void picocliKeepsTheSshStyleEdgeCases() throws Exception {
        // Long flags with = and without, a value that looks like a flag after --, @ not expanded as a file.
        CliOptions o = parse("--connect-timeout=5", "--actor", "ci", "-W", "h:1", "-J", "@hops", "--", "-d");
        assertEquals(5, o.connectTimeoutSeconds());
        assertEquals("@hops", o.jump());
        assertEquals("-d", o.destination());
        assertTrue(usageError("-vx", "-W", "h:1", "-J", "b").contains("unknown flag -x"));
        assertTrue(usageError("-W", "h:1", "-J", "b", "--bogus=1").contains("unknown flag --bogus"));
        assertTrue(usageError("-W", "h:1", "-J", "b", "-i", "").contains("-i needs a non-empty value"));
    }

    @Test
    void dynamicAndRemoteForwardsAreReadAsSshReadsThem() throws Exception {
        CliOptions o = parse("-D", "1080", "-D", "*:0", "-D", "[::1]:1081", "-R", "8080:db:5432",
                "-R", "0.0.0.0:0:[fd00::1]:22", "-R", "*:9:h:1", "-R", "/run/r.sock:h:2", "-R", "7:/run/l.sock",
                "-R", "[::1]:6:/run/l.sock", "-R", "/run/r.sock:/run/l.sock", "-N", "b");
        assertEquals(List.of(new DynamicSpec(null, 1080), new DynamicSpec("0.0.0.0", 0), new DynamicSpec("::1", 1081)),
                o.dynamicForwards());
        assertEquals(List.of(new RemoteSpec(null, 8080, null, new HostPort("db", 5432), null),
                new RemoteSpec("0.0.0.0", 0, null, new HostPort("fd00::1", 22), null),
                new RemoteSpec("", 9, null, new HostPort("h", 1), null),
                new RemoteSpec(null, 0, "/run/r.sock", new HostPort("h", 2), null),
                new RemoteSpec(null, 7, null, null, "/run/l.sock"),
                new RemoteSpec("::1", 6, null, null, "/run/l.sock"),
                new RemoteSpec(null, 0, "/run/r.sock", null, "/run/l.sock")), o.remoteForwards());
        assertEquals(List.of(), o.forwards());
        assertEquals("*:9", o.remoteForwards().get(2).listenSide());
        assertEquals("[::1]:6", o.remoteForwards().get(5).listenSide());
        // A destination alone may be enough: its ssh_config forwards are checked once the file is read.
        assertEquals("b", parse("b").destination());
    }

    @Test
    void malformedDynamicAndRemoteForwardsAreUsageErrors() {
        assertTrue(usageError("-D", "a:b:1", "b").contains("expected [bind_address:]port"));
        assertTrue(usageError("-D", "x", "b").contains("not a number"));
        assertTrue(usageError("-D", ":1", "b").contains("empty bind address"));
        assertTrue(usageError("-D", "70000", "b").contains("out of range"));
        assertTrue(usageError("-R", "8080", "b").contains("remote SOCKS proxy"));
        assertTrue(usageError("-R", "127.0.0.1:8080", "b").contains("remote SOCKS proxy"));
        assertTrue(usageError("-R", "a:b:c:d:e", "b").contains("[bind_address:]port:host:hostport"));
        assertTrue(usageError("-R", "/r.sock", "b").contains("[bind_address:]port:host:hostport"));
        assertTrue(usageError("-R", "1::2", "b").contains("empty target host"));
        assertTrue(usageError("-R", "1:h:0", "b").contains("out of range"));
        // -L keeps its own forms: no socket paths.
        assertTrue(usageError("-L", "1:/l.sock", "b").contains("[bind_address:]port:host:hostport"));
        assertTrue(usageError("-W", "h:1", "-D", "1", "b").contains("cannot be combined"));
        assertTrue(usageError("-W", "h:1", "-R", "1:h:2", "b").contains("cannot be combined"));
        assertTrue(usageError("-J", "b").contains("nothing to do"));
    }

    @Test
    void profileAndRegionFillEverySsmHopThatLacksThem() throws Exception {
        CliOptions o = parse("--profile", "dev", "--region=eu-west-1", "-W", "h:1", "-J", "b");
        assertEquals("dev", o.awsProfile());
        assertEquals("eu-west-1", o.awsRegion());
        assertEquals("ssm://i-1?profile=dev&region=eu-west-1", CliRoute.withAwsDefaults("ssm://i-1", o));
        assertEquals("ssm://i-1?document=D&profile=dev&region=eu-west-1",
                CliRoute.withAwsDefaults("ssm://i-1?document=D", o));
        assertEquals("ssm://i-1?region=us-east-1&profile=dev",
                CliRoute.withAwsDefaults("ssm://i-1?region=us-east-1", o), "the hop's own region wins");
        assertEquals("SSM://i-1?profile=ops&region=eu-west-1",
                CliRoute.withAwsDefaults("SSM://i-1?profile=ops", o), "the hop's own profile wins");
        assertEquals("ssh://u@h:22", CliRoute.withAwsDefaults("ssh://u@h:22", o), "only ssm:// hops change");
        CliOptions none = parse("-W", "h:1", "-J", "b");
        assertEquals("ssm://i-1", CliRoute.withAwsDefaults("ssm://i-1", none));
        assertEquals(null, none.awsProfile());
        assertTrue(usageError("--profile", "a&b", "-W", "h:1", "-J", "b").contains("--profile"));
        assertTrue(usageError("--region", "x", "--region", "y", "-W", "h:1", "-J", "b").contains("given twice"));
    }

    @Test
    void theManPageAndTheCompletionScriptCoverEveryFlagAndExitStatus() throws Exception {
        String man = Files.readString(Path.of("man", "fumidai.1")).replace("\\-", "-").replace("\\fB", "")
                .replace("\\fR", "").replace("\\fI", "");
        String completion = Completion.script();
        String help = FumidaiCli.help();
        for (var opt : CliOptions.spec().options()) {
            for (String name : opt.names()) {
                assertTrue(man.contains(name), "man page lacks " + name);
                assertTrue(completion.contains(name), "completion lacks " + name);
                assertTrue(help.contains(name), "help lacks " + name);
            }
        }
        for (ExitCode c : ExitCode.values()) {
            assertTrue(man.contains(".B " + c.status() + "\n" + c.meaning() + "\n"), "man page lacks " + c);
        }
    }

    @Test
    void versionGoesToStandardOutput() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        FumidaiCli cli = new FumidaiCli(new ByteArrayInputStream(new byte[0]), out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, cli.run(new String[] {"-V"}, new CompletableFuture<>(), f -> { }));
        String v = out.toString(StandardCharsets.UTF_8);
        assertTrue(v.matches("fumidai \\d+\\.\\d+\\.\\d+\\S* \\(Java .*\\)\\R"), v);
        assertEquals(0, err.size());
    }

    @Test
    void errorMessagesDoNotCarryControlCharacters() {
        String m = usageError("-W", "h\u001b[31m:x", "-J", "b");
        assertFalse(m.contains("\u001b"), m);
    }

    @Test
    void exitCodesAreDistinctAndMappedFromTheLibraryExceptions() {
        Set<Integer> seen = new HashSet<>();
        for (ExitCode c : ExitCode.values()) {
            assertTrue(seen.add(c.status()), "duplicate status " + c.status());
        }
        assertEquals(0, ExitCode.OK.status());
        assertEquals(2, ExitCode.USAGE.status());
        String w = "ssh hop \"b\" 127.0.0.1:22";
        assertEquals(ExitCode.HOP_UNREACHABLE, ExitCode.of(new HopUnreachableException(w, "refused", null)));
        assertEquals(ExitCode.HOST_KEY, ExitCode.of(new HopHostKeyException(w, "bad key", null,
                "SHA256:" + "A".repeat(43), "ssh-ed25519", HopHostKeyException.Verdict.MISMATCH)));
        assertEquals(ExitCode.HANDSHAKE, ExitCode.of(new HopHandshakeException(w, "no common cipher", null)));
        assertEquals(ExitCode.AUTH, ExitCode.of(new HopAuthenticationException(w, "denied", null)));
        assertEquals(ExitCode.TARGET_UNREACHABLE, ExitCode.of(new TargetUnreachableException(w, "refused", null)));
        assertEquals(ExitCode.TIMEOUT, ExitCode.of(new TunnelTimeoutException(w, "slow", null)));
        assertEquals(ExitCode.AUDIT_UNAVAILABLE, ExitCode.of(new AuditUnavailableException(w, "sink down", null)));
        assertEquals(ExitCode.DISCONNECTED, ExitCode.of(new HopDisconnectedException(w, "gone", null)));
        assertEquals(ExitCode.CONFIG, ExitCode.of(new SshConfigException("bad")));
        assertEquals(ExitCode.ERROR, ExitCode.of(new TunnelException(w, "other", null)));
    }

    @Test
    void helpDocumentsEveryFlagAndExitStatus() {
        String help = FumidaiCli.help();
        for (String flag : List.of("-W host:port", "-L [bind_address:]port:host:hostport", "-J route", "-F file",
                "-i file", "-o Keyword=value", "-p port", "-l user", "-v ", "--known-hosts", "--audit-file", "--audit-key",
                "--actor", "--connect-timeout", "--help", "--  ", "-D [bind_address:]port",
                "-R [bind_address:]port:host:hostport", "-R /remote/socket:host:hostport")) {
            assertTrue(help.contains(flag), "help lacks " + flag);
        }
        for (ExitCode c : ExitCode.values()) {
            assertTrue(help.contains(String.format("%2d  %s", c.status(), c.meaning())), "help lacks " + c);
        }
    }

    @Test
    void theCommandPrintsHelpOnStdoutAndUsageErrorsOnStderr() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        FumidaiCli cli = new FumidaiCli(new ByteArrayInputStream(new byte[0]), out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, cli.run(new String[] {"--help"}, new CompletableFuture<>(), f -> { }));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("exit status:"));
        out.reset();
        assertEquals(2, cli.run(new String[] {"-W", "h:1", "-J", "b", "--bogus"}, new CompletableFuture<>(),
                f -> { }));
        assertEquals(0, out.size(), "nothing on stdout");
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("fumidai: unknown flag --bogus"));
    }

    @Test
    void routeErrorsAreUsageOrConfigurationErrors() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        FumidaiCli cli = new FumidaiCli(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, cli.run(new String[] {"-F", "none", "-W", "h:1", "-J", "a,,b"}, new CompletableFuture<>(),
                f -> { }), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, cli.run(new String[] {"-F", "none", "-W", "h:1", "-J", "bad;host"},
                new CompletableFuture<>(), f -> { }), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, cli.run(new String[] {"-F", "none", "-W", "h:1", "-J", "nope://x"},
                new CompletableFuture<>(), f -> { }), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, cli.run(new String[] {"-F", "none", "-o", "NoSuchKeyword=1", "-W", "h:1", "-J", "b"},
                new CompletableFuture<>(), f -> { }), err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown ssh_config keyword \"nosuchkeyword\"")
                || err.toString(StandardCharsets.UTF_8).contains("NoSuchKeyword"), err.toString(StandardCharsets.UTF_8));
        assertEquals(3, cli.run(new String[] {"-F", "/nonexistent/fumidai-config", "-W", "h:1", "-J", "b"},
                new CompletableFuture<>(), f -> { }));
        assertEquals(3, cli.run(new String[] {"-F", "none", "-i", "/nonexistent/key", "-W", "h:1", "-J", "b"},
                new CompletableFuture<>(), f -> { }));
        assertEquals(3, cli.run(new String[] {"-F", "none", "--known-hosts", "/nonexistent/kh", "-W", "h:1", "-J",
            "b"}, new CompletableFuture<>(), f -> { }));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--known-hosts /nonexistent/kh"));
    }
}
