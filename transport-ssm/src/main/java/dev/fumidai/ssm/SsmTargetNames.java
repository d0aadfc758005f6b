// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the by-name target forms into Session Manager targets:
 * <ul>
 * <li>{@code ecs:<cluster>/<task>/<container>}: ECS {@code DescribeTasks} finds the container's runtime id, and the
 * target becomes {@code ecs:<cluster>_<taskId>_<runtimeId>}; needs {@code software.amazon.awssdk:ecs};
 * <li>{@code name:<Name tag>}: EC2 {@code DescribeInstances} with the filters {@code tag:Name} and
 * {@code instance-state-name=running} must find exactly one instance; needs {@code software.amazon.awssdk:ec2}.
 * </ul>
 * Both SDK modules are optional dependencies of {@code fumidai-transport-ssm}: without them the plain ids keep
 * working, and a by-name target fails with a message naming the artifact to add.
 */
final class SsmTargetNames {

    static final Pattern ECS = Pattern.compile("ecs:([A-Za-z0-9_.-]{1,255})/([A-Za-z0-9:/_.-]{1,255}?)/([^/]{1,255})");
    static final Pattern NAME = Pattern.compile("name:(.{1,255})");

    private SsmTargetNames() {
    }

    /** Returns whether the target is a by-name form that must be looked up. */
    static boolean isByName(String target) {
        return ECS.matcher(target).matches() || NAME.matcher(target).matches();
    }

    /**
     * Checks that an optional SDK module is on the class path (or module graph) of this loader.
     *
     * @throws IllegalStateException naming the artifact to add when it is not
     */
    static void requireSdk(ClassLoader loader, String clientClass, String artifact, String what) {
        try {
            Class.forName(clientClass, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException(missing(artifact, what), e);
        }
    }

    /** Returns the message for a by-name target whose SDK module is missing. */
    static String missing(String artifact, String what) {
        return what + " needs the AWS SDK module " + artifact + " (an optional dependency of fumidai-transport-ssm):"
                + " add software.amazon.awssdk:" + artifact.substring(artifact.indexOf(':') + 1)
                + " to the application, or give the plain SSM target id";
    }

    /** Resolves a by-name target off the event loop; plain ids come back as they are. */
    static CompletableFuture<String> resolve(String target, AwsSdkSsmApi.Builder clients, String where) {
        Matcher ecs = ECS.matcher(target);
        Matcher name = NAME.matcher(target);
        if (!ecs.matches() && !name.matches()) {
            return CompletableFuture.completedFuture(target);
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                ClassLoader loader = SsmTargetNames.class.getClassLoader();
                if (ecs.matches()) {
                    requireSdk(loader, "software.amazon.awssdk.services.ecs.EcsClient", "software.amazon.awssdk:ecs",
                            "the ECS target \"" + target + "\"");
                    return EcsLookup.runtimeTarget(clients, ecs.group(1), ecs.group(2), ecs.group(3));
                }
                requireSdk(loader, "software.amazon.awssdk.services.ec2.Ec2Client", "software.amazon.awssdk:ec2",
                        "the EC2 target \"" + target + "\"");
                return Ec2Lookup.instanceByName(clients, name.group(1));
            } catch (RuntimeException e) {
                throw new CompletionException(new dev.fumidai.HopUnreachableException(where, e.getMessage(), e));
            } finally {
                clients.closeLookupCredentials();
            }
        });
    }
}
