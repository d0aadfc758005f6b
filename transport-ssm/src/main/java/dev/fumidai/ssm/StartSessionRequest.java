// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Describes a StartSession call ({@code docs/transport-ssm.md}).
 *
 * @param target the instance ({@code i-…}, {@code mi-…}) or ECS target ({@code ecs:<cluster>_<task>_<runtimeId>})
 * @param documentName the session document, e.g. {@code AWS-StartPortForwardingSessionToRemoteHost}
 * @param parameters document parameters; every value is a list of strings, as the API wants
 * @param reason a reason recorded by the service, or {@code null}
 */
public record StartSessionRequest(String target, String documentName, Map<String, List<String>> parameters,
        @Nullable String reason) {

    public StartSessionRequest {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(documentName, "documentName");
        parameters = Map.copyOf(parameters);
    }

    /** Returns the ECS Exec target for a task's container (§2.5): {@code ecs:<cluster>_<taskId>_<runtimeId>}. */
    public static String ecsTarget(String clusterNameOrArn, String taskIdOrArn, String containerRuntimeId) {
        return "ecs:" + last(clusterNameOrArn) + "_" + last(taskIdOrArn) + "_" + containerRuntimeId;
    }

    private static String last(String arnOrName) {
        int i = arnOrName.lastIndexOf('/');
        return i < 0 ? arnOrName : arnOrName.substring(i + 1);
    }
}
